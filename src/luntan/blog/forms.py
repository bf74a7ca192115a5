"""The blog's forms keep what the member typed; the rules live in the services (the same for every caller)."""

import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from luntan.blog.models import BlogPost


def new_submission_key() -> str:
    return secrets.token_hex(16)


class BlogPostForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False)
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    visibility = forms.ChoiceField(label=_("Who may read it"), choices=BlogPost.Visibility.choices,
                                   initial=BlogPost.Visibility.PUBLIC)
    format = forms.ChoiceField(label=_("Format"), choices=BlogPost.Format.choices, initial=BlogPost.Format.BBCODE)
    source = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea)
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        field.choices = [("", _("(no category)")), *[(c.pk, c.name) for c in categories]]  # type: ignore[attr-defined]
        field.error_messages["invalid_choice"] = _("Choose one of your own categories.")
        self.fields["visibility"].error_messages["invalid_choice"] = _("Choose who may read the post.")
        self.fields["format"].error_messages["invalid_choice"] = _("Unknown text format.")


class CommentForm(forms.Form):
    source = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea)
    format = forms.ChoiceField(label=_("Format"), choices=BlogPost.Format.choices, initial=BlogPost.Format.BBCODE)
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].error_messages["invalid_choice"] = _("Unknown text format.")


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("New category"), required=False)


class FriendForm(forms.Form):
    name = forms.CharField(label=_("Member name"), required=False)


FIELDS_BY_CODE = {"title_empty": "title", "title_long": "title", "body_empty": "source", "body_long": "source",
                  "body_links": "source", "format": "format", "watched_word": "source"}


def apply_service_error(form: forms.Form, error: ValidationError) -> None:
    """A refusal by the service shown on the form: next to its field where it names one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    field = FIELDS_BY_CODE.get(getattr(error, "code", None) or "")
    form.add_error(field if field in form.fields else None, error)
