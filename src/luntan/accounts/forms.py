"""Forms parse what a member typed. The rules for names, addresses and passwords live in services (the
check_* functions) so that the API applies the same ones; the forms call them to show every problem at
once, and the services check again when they write."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from luntan.accounts import services
from luntan.accounts.models import Member
from luntan.accounts.names import normalize_username
from luntan.protection import throttle


def password_field(label, *, required) -> forms.CharField:
    """A password box: kept exactly as typed (no stripping), long passphrases welcome (up to
    LUNTAN["MAX_PASSWORD_CHARS"], read when the form class is defined)."""
    return forms.CharField(label=label, strip=False, max_length=settings.LUNTAN["MAX_PASSWORD_CHARS"],
                           widget=forms.PasswordInput,
                           error_messages={"required": required})


def check_new_password(form: forms.Form, data: dict, *, member: Member) -> None:
    """A new password typed twice: both the same, and good enough for this member (services' rules)."""
    password1, password2 = data.get("password1"), data.get("password2")
    if not (password1 and password2):
        return
    if password1 != password2:
        form.add_error("password2", ValidationError(_("The two passwords do not match."),
                                                    code="password_mismatch"))
        return
    try:
        services.check_password(password1, member=member)
    except ValidationError as error:
        form.add_error("password1", error)


class RegisterForm(forms.Form):
    # No max_length here: check_username says how long a name may be, in words members understand.
    username = forms.CharField(label=_("Username"),
                               error_messages={"required": _("Please choose a username.")})
    email = forms.CharField(label=_("E-mail"), max_length=320,
                            error_messages={"required": _("Please enter your e-mail address.")})
    password1 = password_field(_("Password"), required=_("Please enter a password."))
    password2 = password_field(_("Password again"), required=_("Please enter the password again."))

    def clean_username(self) -> str:
        return services.check_username(self.cleaned_data["username"])

    def clean_email(self) -> str:
        return services.check_email(self.cleaned_data["email"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        candidate = Member(username=data.get("username") or self.data.get("username", ""),
                           email=data.get("email") or self.data.get("email", ""))
        check_new_password(self, data, member=candidate)
        return data

    def apply_service_error(self, error: ValidationError) -> None:
        """Errors found again by member_register (a name taken a moment ago) shown on their fields."""
        fields = {"username": "username", "email": "email", "password": "password1"}
        if hasattr(error, "error_dict"):
            for key, errors in error.error_dict.items():
                self.add_error(fields.get(key), errors)
        else:
            self.add_error(None, error)


class LoginForm(forms.Form):
    login = forms.CharField(label=_("Username or e-mail"), max_length=320,
                            error_messages={"required": _("Please enter your username or e-mail.")})
    password = password_field(_("Password"), required=_("Please enter your password."))

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.member: Member | None = None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        login, password = data.get("login"), data.get("password")
        if login and password:
            if "@" not in login:
                login = normalize_username(login)
            self.member = authenticate(self.request, username=login, password=password)
            wait = getattr(self.request, "signin_wait", 0)
            if wait:
                raise ValidationError(throttle.too_many_attempts(wait), code="throttled")
            if self.member is None:
                # One message for a wrong name, a wrong password and a disabled account alike.
                raise ValidationError(_("The username or password is not correct."), code="invalid_login")
        return data


class PasswordResetForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254,
                             error_messages={"required": _("Please enter your e-mail address."),
                                             "invalid": _("Please enter a valid e-mail address.")})


class SetPasswordForm(forms.Form):
    password1 = password_field(_("New password"), required=_("Please enter a new password."))
    password2 = password_field(_("New password again"), required=_("Please enter the new password again."))

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        check_new_password(self, data, member=self.member)
        return data

    def apply_service_error(self, error: ValidationError) -> None:
        self.add_error("password1", error)


class PasswordChangeForm(SetPasswordForm):
    old_password = password_field(_("Current password"), required=_("Please enter your current password."))
    field_order = ["old_password", "password1", "password2"]

    def clean_old_password(self) -> str:
        old = self.cleaned_data["old_password"]
        if not self.member.check_password(old):
            raise ValidationError(_("Your current password is not correct."), code="old_password")
        return old

    def apply_service_error(self, error: ValidationError) -> None:
        fields = {"old_password": "old_password", "new_password": "password1"}
        for key, errors in getattr(error, "error_dict", {None: error.error_list}).items():
            self.add_error(fields.get(key) if key else None, errors)


class AvatarForm(forms.Form):
    """The picture file; what it holds is checked by services.member_avatar_set (accounts.avatars)."""
    image = forms.FileField(label=_("Picture"), error_messages={
        "required": _("Please choose a picture to upload."),
        "invalid": _("Please choose a picture to upload."),
        "missing": _("Please choose a picture to upload."),
        "empty": _("This file is empty. Please choose a picture."),
    })


class SignatureForm(forms.Form):
    """签名: the text and its markup; how long it may be, and what it may hold, is checked by
    services.member_signature_set (the member's group)."""
    signature = forms.CharField(label=_("Signature"), required=False, widget=forms.Textarea)
    format = forms.ChoiceField(label=_("Format"), choices=[("bbcode", "BBCode"), ("markdown", "Markdown")],
                               initial="bbcode", error_messages={"invalid_choice": _("Unknown text format.")})
