"""The wheel's forms: the spin button (a submission key only: the server decides everything else), the
client seed, and the public verification form."""

import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from luntan.wheel import fairness
from luntan.wheel.models import MAX_SLOTS, MAX_WEIGHT
from luntan.wheel.services import check_client_seed

MAX_NONCE = 10**9


def new_submission_key() -> str:
    return secrets.token_hex(16)


class SpinForm(forms.Form):
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=8, error_messages={
        "required": _("This form has lost its key. Reload the page and spin again."),
        "max_length": _("This form has been changed. Reload the page and spin again."),
        "min_length": _("This form has been changed. Reload the page and spin again."),
    })


class SeedForm(forms.Form):
    client_seed = forms.CharField(label=_("New client seed"), required=False)

    def clean_client_seed(self) -> str | None:
        raw = self.cleaned_data.get("client_seed", "")
        return check_client_seed(raw) if raw.strip() else None


class VerifyForm(forms.Form):
    server_seed = forms.CharField(label=_("Server seed"), required=False)
    client_seed = forms.CharField(label=_("Client seed"), required=False)
    nonce = forms.CharField(label=_("Nonce (spin number)"), required=False)
    weights = forms.CharField(label=_("Weights, in table order"), required=False,
                              help_text=_("Whole numbers separated by commas, e.g. 250,220,200"))

    def clean_server_seed(self) -> str:
        text = self.cleaned_data.get("server_seed", "").strip().lower()
        if not fairness.SERVER_SEED_FORMAT.fullmatch(text):
            raise ValidationError(_("A server seed is 64 characters of 0-9 and a-f."), code="server_seed")
        return text

    def clean_client_seed(self) -> str:
        return check_client_seed(self.cleaned_data.get("client_seed", ""))

    def clean_nonce(self) -> int:
        text = self.cleaned_data.get("nonce", "").strip()
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text[:12]) <= MAX_NONCE:
            raise ValidationError(_("The nonce is a whole number from 1 to %(n)s.") % {"n": MAX_NONCE},
                                  code="nonce")
        return int(text)

    def clean_weights(self) -> list[int]:
        parts = [p.strip() for p in self.cleaned_data.get("weights", "").replace(",", ",").split(",")]
        if not parts or len(parts) > MAX_SLOTS or not all(p.isascii() and p.isdigit() and len(p) <= 7 for p in parts):
            raise ValidationError(_("Enter up to %(n)s whole numbers separated by commas.") % {"n": MAX_SLOTS},
                                  code="weights")
        weights = [int(p) for p in parts]
        if any(w > MAX_WEIGHT for w in weights) or not sum(weights):
            raise ValidationError(_("Each weight is at most %(max)s, and at least one must be above 0.") % {
                "max": MAX_WEIGHT}, code="weights")
        return weights
