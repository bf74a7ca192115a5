"""Rows of luntan.protection. Each part of the app keeps its models in a block of its own."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- Two-factor sign-in and the security log (protection/twofactor.py, protection/securitylog.py) ------------


class TwoFactor(models.Model):
    """A member's authenticator app (TOTP, RFC 6238). The row exists only while two-factor sign-in is on:
    a secret that was never confirmed with a code is kept in the set-up form, not here."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                  related_name="two_factor", verbose_name=_("member"))
    # The shared secret, encrypted with a key derived from SECRET_KEY (twofactor.seal / unseal).
    sealed_secret = models.CharField(_("secret (encrypted)"), max_length=200)
    # The time step of the last code accepted: a code is taken once, and no older one after it.
    last_step = models.BigIntegerField(_("last code's time step"), default=0)
    enabled_at = models.DateTimeField(_("turned on"), default=timezone.now)

    class Meta:
        verbose_name = _("two-factor sign-in")
        verbose_name_plural = _("two-factor sign-ins")

    def __str__(self) -> str:
        return str(self.member)


class RecoveryCode(models.Model):
    """One of a member's ten single-use codes for signing in without the app. Only a keyed hash is kept."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "code_hash"], name="recovery_code_once")]

    def __str__(self) -> str:
        return f"{self.member_id}: {'used' if self.used_at else 'unused'}"


class SecurityEvent(models.Model):
    """安全日志: one row per sign-in, failed sign-in, sign-out, password or e-mail change, two-factor change
    and administrator's change, written when it happens (never on a page view)."""

    class Kind(models.TextChoices):
        SIGNIN = "signin", _("signed in")
        SIGNIN_FAILED = "signin_failed", _("failed sign-in")
        SIGNOUT = "signout", _("signed out")
        PASSWORD_CHANGE = "password_change", _("password changed")
        PASSWORD_RESET = "password_reset", _("password reset by e-mail link")
        EMAIL_CHANGE = "email_change", _("e-mail address changed")
        TWOFACTOR_ON = "2fa_on", _("two-factor sign-in turned on")
        TWOFACTOR_OFF = "2fa_off", _("two-factor sign-in turned off")
        RECOVERY_USED = "recovery_used", _("recovery code used")
        RECOVERY_RENEWED = "recovery_renewed", _("new recovery codes made")
        ADMIN_CHANGE = "admin_change", _("administrator's change")

    # Whose account it concerns (the administrator's own, for an administrator's change).
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("member"))
    # Who did it, when someone else did (an administrator changing a member's e-mail address).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("done by"))
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    address = models.CharField(_("address"), max_length=45, blank=True, default="")
    user_agent = models.CharField(_("browser"), max_length=160, blank=True, default="")
    detail = models.CharField(_("detail"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security log")
        indexes = [models.Index(fields=["member", "-at", "-id"], name="security_member_at"),
                   models.Index(fields=["-at", "-id"], name="security_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
