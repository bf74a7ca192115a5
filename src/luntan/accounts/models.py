"""Members and their groups. The member's primary key is the UID shown on every author card."""

import unicodedata

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MemberGroup(models.Model):
    """级别: the group a member belongs to, shown on the author card. Later issues attach credit
    thresholds (levels) and permissions to groups."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("member level")
        SPECIAL = "special", _("special group")
        SYSTEM = "system", _("system group")

    name = models.CharField(_("name"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MEMBER)
    # Colour of the name on cards and lists (admins red, moderators green ... as members know it).
    color = models.CharField(_("colour"), max_length=7, blank=True, default="")
    is_default = models.BooleanField(_("default for new members"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("member group")
        verbose_name_plural = _("member groups")

    def __str__(self) -> str:
        return self.name


class MemberManager(DjangoUserManager["Member"]):
    def get_by_natural_key(self, username: str | None) -> "Member":
        return self.get(name_key=name_key(username or ""))

    def create_user(self, username, email=None, password=None, **extra_fields):
        if "group" not in extra_fields and "group_id" not in extra_fields:
            extra_fields["group"] = MemberGroup.objects.filter(is_default=True).first()
        return super().create_user(username, email, password, **extra_fields)

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("group", MemberGroup.objects.filter(name="管理员").first())
        return super().create_superuser(username, email, password, **extra_fields)


def name_key(username: str) -> str:
    """What makes two names the same name: letter case and width do not count (張三 and 张三 stay two
    names; ＡＢＣ, abc and ABC are one). Kept in its own unique column because SQLite's LOWER() only
    folds ASCII."""
    return unicodedata.normalize("NFKC", username).casefold()


class Member(AbstractBaseUser, PermissionsMixin):
    username = models.CharField(
        _("username"), max_length=settings.LUNTAN["USERNAME_MAX_CHARS"],  # read at import, like a migration
        help_text=_("%(min)s to %(max)s characters; Chinese is welcome.") % {
            "min": settings.LUNTAN["USERNAME_MIN_CHARS"], "max": settings.LUNTAN["USERNAME_MAX_CHARS"]},
    )
    name_key = models.CharField(max_length=60, unique=True, editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    group = models.ForeignKey(
        MemberGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="members",
        verbose_name=_("group"),
    )
    custom_title = models.CharField(_("custom title"), max_length=30, blank=True)
    signature = models.TextField(_("signature"), max_length=settings.LUNTAN["MAX_SIGNATURE_CHARS"], blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    last_activity = models.DateTimeField(_("last activity"), null=True, blank=True)
    online_seconds = models.PositiveBigIntegerField(_("online time (seconds)"), default=0)
    # Denormalized counters, changed in the same transaction as the write that changes them.
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    thread_count = models.PositiveIntegerField(_("threads"), default=0)
    digest_count = models.PositiveIntegerField(_("digest threads"), default=0)
    is_staff = models.BooleanField(_("staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = MemberManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="member_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.username

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.username)
        if kwargs.get("update_fields") is not None and "username" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("accounts:profile", args=[self.pk])
