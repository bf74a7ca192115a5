"""The poll's fields on the new-thread form (prefixed "poll-"): a poll is added when its options are
written. The rules themselves are services.clean_poll's."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from markupsafe import Markup

from luntan.polls import services

_FIELD_OF = {"poll_options": "options", "watched_word": "options", "poll_max": "max_choices", "poll_end": "ends_at"}


class PollForm(forms.Form):
    options = forms.CharField(label=_("Options, one per line"), required=False, widget=forms.Textarea)
    multiple = forms.BooleanField(label=_("Allow several choices"), required=False)
    max_choices = forms.CharField(label=_("Most choices"), required=False)
    ends_at = forms.CharField(label=_("Ends (optional)"), required=False)
    results = forms.ChoiceField(label=_("Results"), initial="all", required=False, choices=[
        ("all", _("Visible to everyone")), ("voters", _("Only after voting (or after the end)"))])
    public_voters = forms.BooleanField(label=_("Show who voted"), required=False)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        data["spec"] = None
        lines = (data.get("options") or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
        if lines == [""] or self.errors:
            return data
        raw_max = (data.get("max_choices") or "").strip()
        most = None
        if raw_max:
            if not (raw_max.isascii() and raw_max.isdigit() and len(raw_max) <= 3):
                self.add_error("max_choices", _("Write the most choices as a whole number, such as 3."))
                return data
            most = int(raw_max)
        try:
            ends_at = services.parse_end(data.get("ends_at") or "")
            data["spec"] = services.clean_poll(
                options=lines, multiple=bool(data.get("multiple")), max_choices=most, ends_at=ends_at,
                results_after_vote=data.get("results") == "voters", public_voters=bool(data.get("public_voters")))
        except ValidationError as error:
            self.add_error(_FIELD_OF.get(error.code or "", None), error)
        return data


class PollPart:
    """The poll on the new-thread form, for luntan.forum.extensions.register_new_thread_part."""

    def __init__(self, request, board) -> None:
        self.request = request
        self.form = PollForm(request.POST if request.method == "POST" else None, prefix="poll")

    @classmethod
    def for_request(cls, request, board) -> "PollPart":
        return cls(request, board)

    def is_valid(self) -> bool:
        return self.form.is_valid()

    def html(self) -> Markup:
        return Markup(render_to_string("polls/_poll_fields.html", {"form": self.form}, request=self.request))  # noqa: S704 - a template's output

    def create(self, floor) -> None:
        spec = self.form.cleaned_data.get("spec") if self.form.is_valid() else None
        if spec is not None:
            services.poll_create(floor=floor, spec=spec)
