"""The 社区服务 forms. They parse what the member typed; the services decide (and check again under lock)."""

import secrets
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from luntan.credits import config, services


def new_submission_key() -> str:
    return secrets.token_hex(16)


class _AmountField(forms.CharField):
    """A whole number of credits, with the services' own message for anything else."""

    def clean(self, value):
        value = super().clean(value)
        return services.check_amount(value) if value not in (None, "") else value


class TransferForm(forms.Form):
    recipient = forms.CharField(label=_("To member"), max_length=60)
    credit_type = forms.TypedChoiceField(label=_("Credit type"), coerce=int)
    amount = _AmountField(label=_("Amount"), max_length=20)
    note = forms.CharField(label=_("Message (optional)"), max_length=100, required=False)
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput, max_length=200)
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["credit_type"])
        field.choices = [(t.id, t.name) for t in config.credit_types().values() if t.enabled and t.transferable]


class ExchangeForm(forms.Form):
    source = forms.TypedChoiceField(label=_("Pay with"), coerce=int)
    target = forms.TypedChoiceField(label=_("Receive"), coerce=int)
    amount = _AmountField(label=_("Amount to pay"), max_length=20)
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every enabled type is offered: a type that cannot be exchanged is refused by the service, which says so.
        choices = [(t.id, t.name) for t in config.credit_types().values() if t.enabled]
        for name in ("source", "target"):
            cast(forms.ChoiceField, self.fields[name]).choices = choices
        # A fresh form proposes the first two types that can be exchanged, not one type for itself.
        rates = [t.id for t in config.credit_types().values() if t.enabled and t.exchange_ratio]
        if len(rates) >= 2 and not self.is_bound:
            self.initial.setdefault("source", rates[0])
            self.initial.setdefault("target", rates[1])


FIELD_OF_CODE = {
    "wrong_password": "password", "no_recipient": "recipient", "self_transfer": "recipient",
    "recipient_inactive": "recipient", "not_enough": "amount", "daily_cap": "amount", "amount_invalid": "amount",
    "amount_not_positive": "amount", "amount_huge": "amount", "exchange_too_small": "amount",
    "not_transferable": "credit_type", "exchange_same": "target", "not_exchangeable": "target",
}


def apply_service_error(form: forms.Form, error: ValidationError) -> None:
    field = FIELD_OF_CODE.get(getattr(error, "code", None) or "")
    form.add_error(field if field in form.fields else None, error)
