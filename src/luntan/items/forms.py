"""The shop's forms. Numbers come as text and are checked here: a bad one is a message, never a 500."""

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from luntan.forum.models import Thread
from luntan.items.services import MAX_QUANTITY

BIG = 2**31 - 1


def new_submission_key() -> str:
    return secrets.token_hex(16)


class BuyForm(forms.Form):
    item = forms.IntegerField(min_value=1, max_value=BIG, error_messages={
        "required": _("There is no such item."), "invalid": _("There is no such item."),
        "min_value": _("There is no such item."), "max_value": _("There is no such item.")})
    quantity = forms.IntegerField(label=_("Quantity"), initial=1, min_value=1, max_value=MAX_QUANTITY,
                                  error_messages={"invalid": _("Enter a whole number."),
                                                  "required": _("Enter a whole number.")})
    submission_key = forms.CharField(required=False, max_length=64)


class UseForm(forms.Form):
    item = forms.IntegerField(min_value=1, max_value=BIG, error_messages={
        "required": _("There is no such item."), "invalid": _("There is no such item."),
        "min_value": _("There is no such item."), "max_value": _("There is no such item.")})
    thread = forms.IntegerField(required=False, min_value=1, max_value=BIG, error_messages={
        "invalid": _("Choose one of your own threads."), "min_value": _("Choose one of your own threads."),
        "max_value": _("Choose one of your own threads.")})
    colour = forms.ChoiceField(required=False, choices=Thread.Highlight.choices[1:])
    new_name = forms.CharField(required=False, max_length=100)
    submission_key = forms.CharField(required=False, max_length=64)
