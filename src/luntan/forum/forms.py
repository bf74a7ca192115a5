"""Forms parse what a member typed; the rules themselves live in services (clean_title, clean_source) so
the API will apply the same ones. The fields carry no max_length of their own: the services' limits
(settings.LUNTAN) say how long, in the member's words, and DATA_UPLOAD_MAX_MEMORY_SIZE bounds any request."""

import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from luntan.forum import services
from luntan.forum.models import Floor


def new_submission_key() -> str:
    return secrets.token_hex(16)


class _FilesInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.Field):
    """The files of the plain file field (<input type=file multiple>), in the order chosen; each is checked by
    the app that stores uploads (extensions.POST_UPLOADS), which names the file it refuses."""

    widget = _FilesInput

    def clean(self, value) -> list:
        return [f for f in (value or []) if f is not None]


def _offer_files(form: forms.Form, offered: bool) -> None:
    if not offered:
        del form.fields["uploads"]


def _source_or_files(form: forms.Form) -> str:
    """With files chosen, the text may be empty: the files are the post."""
    raw = form.cleaned_data.get("source", "")
    if not (raw or "").strip() and "uploads" in form.fields and form.files.getlist(form.add_prefix("uploads")):
        return ""
    return services.clean_source(raw)


class PostForm(forms.Form):
    source = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea)
    format = forms.ChoiceField(label=_("Format"), choices=Floor.Format.choices, initial=Floor.Format.BBCODE)
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    uploads = FilesField(label=_("Pictures and files"), required=False)

    def __init__(self, *args, files_offered: bool = False, **kwargs):
        """`files_offered`: the form takes the files of the plain file field (an app stores uploads). Files
        sent by a member who may not attach any are taken too, to be refused with a message."""
        super().__init__(*args, **kwargs)
        _offer_files(self, files_offered)

    def clean_source(self) -> str:
        return _source_or_files(self)


class ThreadForm(PostForm):
    title = forms.CharField(label=_("Title"), required=False)
    thread_type = forms.TypedChoiceField(label=_("Thread type"), required=False, coerce=int, empty_value=None)
    price = forms.CharField(label=_("Selling price"), required=False)
    field_order = ["thread_type", "title", "source", "format", "price", "submission_key", "uploads"]

    def __init__(self, *args, types=(), types_required: bool = False, max_price: int = 0, **kwargs):
        """`types`: the board's thread types (分类), offered when it has some; `types_required`: one must be
        chosen. `max_price`: the author's group's highest thread price (主题最高售价); 0 offers no price."""
        super().__init__(*args, **kwargs)
        self.max_price = max_price
        if max_price <= 0:
            del self.fields["price"]
        self.types = {t.pk: t for t in types}
        if not self.types:
            del self.fields["thread_type"]
            return
        field = self.fields["thread_type"]
        field.choices = [  # type: ignore[attr-defined]
            ("", _("(choose a type)") if types_required else _("(no type)")), *[(t.pk, t.name) for t in types]]
        field.error_messages["invalid_choice"] = _("Please choose one of this board's thread types.")
        self.types_required = types_required

    def clean_thread_type(self):
        chosen = self.cleaned_data.get("thread_type")
        if chosen is None and self.types_required:
            raise ValidationError(_("Please choose a thread type: this board requires one."), code="type_required")
        return self.types.get(chosen) if chosen is not None else None

    def clean_title(self) -> str:
        return services.clean_title(self.cleaned_data.get("title", ""))

    def clean_price(self) -> int:
        return services.clean_price(self.cleaned_data.get("price", ""))


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False)
    source = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea)
    format = forms.ChoiceField(label=_("Format"), choices=Floor.Format.choices)
    price = forms.CharField(label=_("Selling price"), required=False)

    reason = forms.CharField(label=_("Reason (recorded in the moderation log)"), required=False, max_length=200)
    uploads = FilesField(label=_("Pictures and files"), required=False)

    def __init__(self, *args, with_title: bool, with_reason: bool = False, files_offered: bool = False,
                 max_price: int | None = None, **kwargs):
        """`max_price`: offered on floor 1 when the thread has a price or its author may set one (the highest
        they may), else None."""
        super().__init__(*args, **kwargs)
        _offer_files(self, files_offered)
        self.with_title = with_title
        self.max_price = max_price
        if not with_title:
            del self.fields["title"]
        if max_price is None:
            del self.fields["price"]
        if not with_reason:
            del self.fields["reason"]

    def clean_price(self) -> int:
        return services.clean_price(self.cleaned_data.get("price", ""))

    def clean_title(self) -> str:
        return services.clean_title(self.cleaned_data.get("title", ""))

    def clean_source(self) -> str:
        return _source_or_files(self)


def apply_service_error(form: forms.Form, error: ValidationError) -> None:
    """A rule broken inside the service (a race, a limit) shown on the form like any other error."""
    field = {"title_empty": "title", "title_long": "title", "body_empty": "source", "body_long": "source",
             "body_links": "source", "format": "format", "type_required": "thread_type", "thread_type": "thread_type",
             "mentions_many": "source", "upload": "uploads",
             "price_parts": "source", "price_invalid": "price", "price_high": "price",
             "price_not_allowed": "price", "sell_off": "price",
             }.get(getattr(error, "code", None) or "")
    form.add_error(field if field in form.fields else None, error)
