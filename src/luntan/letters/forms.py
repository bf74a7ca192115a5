"""Forms parse what a member typed; the rules themselves live in services, so the API can apply them too."""

import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from luntan.letters.models import Format


def new_submission_key() -> str:
    return secrets.token_hex(16)


class ReplyForm(forms.Form):
    source = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices, initial=Format.BBCODE)
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)


class StartForm(ReplyForm):
    recipients = forms.CharField(label=_("Recipients"), required=False,
                                 help_text=_("Members' names, separated by commas or 、"))
    title = forms.CharField(label=_("Title"), required=False)
    field_order = ["recipients", "title", "source", "format", "submission_key"]


class AddForm(forms.Form):
    names = forms.CharField(label=_("Add members"), required=False,
                            help_text=_("Members' names, separated by commas or 、"))


class BlockForm(forms.Form):
    name = forms.CharField(label=_("Member's name"), required=False)


def apply_service_error(form: forms.Form, error: ValidationError) -> None:
    """Puts a service's refusal next to the field it names (or above the form), the typed text kept."""
    if hasattr(error, "error_dict"):
        for field, items in error.error_dict.items():
            form.add_error(field if field in form.fields else None, items)
    else:
        form.add_error(None, error)
