"""Forms of two-factor sign-in (set-up, the sign-in code, turning off, new recovery codes)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from luntan.accounts.forms import password_field


def code_field() -> forms.CharField:
    return forms.CharField(label=_("Code"), max_length=40,
                           error_messages={"required": _("Please enter the code.")})


class SigninCodeForm(forms.Form):
    code = code_field()


class EnableForm(forms.Form):
    """The new secret travels signed in `token`: a wrong code shows the same secret and QR code again."""
    code = code_field()
    token = forms.CharField(widget=forms.HiddenInput, max_length=500)


class DisableForm(forms.Form):
    """On one page with RenewForm: each form's fields have ids of their own (auto_id)."""
    password = password_field(_("Password"), required=_("Please enter your password."))
    code = code_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "off_%s")
        super().__init__(*args, **kwargs)


class RenewForm(forms.Form):
    password = password_field(_("Password"), required=_("Please enter your password."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "renew_%s")
        super().__init__(*args, **kwargs)
