import secrets

from django import forms


def new_submission_key() -> str:
    return secrets.token_hex(16)


class BuyForm(forms.Form):
    medal = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    submission_key = forms.CharField(required=False, max_length=64)
