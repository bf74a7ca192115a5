"""The check-in form. The rules (mood known, sentence length) live in the service, so the API and the
bench go through the same ones; the form only keeps what the member typed."""

import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from luntan.checkin.moods import CHOICES


def new_submission_key() -> str:
    return secrets.token_hex(16)


class CheckInForm(forms.Form):
    mood = forms.CharField(label=_("Today's mood"), required=False)
    sentence = forms.CharField(label=_("What I want to say today (optional)"), required=False)
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    choices = CHOICES

    def clean_mood(self) -> str:
        mood = self.cleaned_data.get("mood", "")
        if not mood:
            raise ValidationError(_("Pick your mood for today."), code="mood_missing")
        return mood


def apply_service_error(form: forms.Form, error: ValidationError) -> None:
    field = {"mood": "mood", "sentence_long": "sentence",
             "watched_word": "sentence"}.get(getattr(error, "code", None) or "")
    form.add_error(field, error)
