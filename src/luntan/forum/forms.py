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


class PostForm(forms.Form):
    source = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea)
    format = forms.ChoiceField(label=_("Format"), choices=Floor.Format.choices, initial=Floor.Format.BBCODE)
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def clean_source(self) -> str:
        return services.clean_source(self.cleaned_data.get("source", ""))


class ThreadForm(PostForm):
    title = forms.CharField(label=_("Title"), required=False)
    field_order = ["title", "source", "format", "submission_key"]

    def clean_title(self) -> str:
        return services.clean_title(self.cleaned_data.get("title", ""))


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False)
    source = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea)
    format = forms.ChoiceField(label=_("Format"), choices=Floor.Format.choices)

    def __init__(self, *args, with_title: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.with_title = with_title
        if not with_title:
            del self.fields["title"]

    def clean_title(self) -> str:
        return services.clean_title(self.cleaned_data.get("title", ""))

    def clean_source(self) -> str:
        return services.clean_source(self.cleaned_data.get("source", ""))


def apply_service_error(form: forms.Form, error: ValidationError) -> None:
    """A rule broken inside the service (a race, a limit) shown on the form like any other error."""
    field = {"title_empty": "title", "title_long": "title", "body_empty": "source", "body_long": "source",
             "format": "format"}.get(getattr(error, "code", None) or "")
    form.add_error(field if field in form.fields else None, error)
