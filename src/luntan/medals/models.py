"""勋章: medals the administrator defines, and the medals members hold (granted by hand, earned by a rule or
bought). A member's medal ids are also kept on one short row (MedalShelf), so the author card reads them
with the card's own query."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luntan.credits.models import CreditType

IMAGE_MAX_KB = 64
IMAGE_MAX_PIXELS = 256


def check_image(image) -> None:
    """An uploaded medal image: a picture Pillow can read (the form field has checked that), small in bytes
    and in pixels."""
    if not image:
        return
    if image.size > IMAGE_MAX_KB * 1024:
        raise ValidationError(_("The image is %(kb)s KB; at most %(max)s KB are allowed.") % {
            "kb": (image.size + 1023) // 1024, "max": IMAGE_MAX_KB}, code="image_big")
    picture = getattr(image, "image", None)  # a new upload, as the form's ImageField read it with Pillow
    width, height = picture.size if picture is not None else (image.width or 0, image.height or 0)
    if width > IMAGE_MAX_PIXELS or height > IMAGE_MAX_PIXELS:
        raise ValidationError(_("The image is %(w)s×%(h)s pixels; at most %(max)s×%(max)s are allowed.") % {
            "w": width, "h": height, "max": IMAGE_MAX_PIXELS}, code="image_large")


class Medal(models.Model):
    class Rule(models.TextChoices):
        NONE = "", _("none (granted by hand or bought)")
        POSTS = "posts", _("posts")
        THREADS = "threads", _("threads")
        DIGESTS = "digests", _("digest threads")
        SOFAS = "sofas", _("sofas (second floors)")
        CREDIT_TOTAL = "credit_total", _("total credits")
        CHECKIN_STREAK = "checkin_streak", _("check-in streak (days)")
        CHECKIN_DAYS = "checkin_days", _("check-in days in total")

    class Badge(models.TextChoices):
        """Pictures that come with the site, for a medal without an uploaded image."""
        STAR = "star", _("star")
        SOFA = "sofa", _("sofa")
        HEART = "heart", _("heart")
        DROP = "drop", _("water drop")
        GEM = "gem", _("gem")
        COIN = "coin", _("coin")
        SHIELD = "shield", _("shield")

    name = models.CharField(_("name"), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    image = models.ImageField(_("uploaded image"), upload_to="medals/", blank=True,
                              help_text=_("PNG, GIF, JPEG or WebP, at most 64 KB and 256×256 pixels."))
    badge = models.CharField(_("built-in image"), max_length=10, choices=Badge.choices, default=Badge.STAR,
                             help_text=_("Shown when no image is uploaded."))
    rule = models.CharField(_("earned by"), max_length=20, choices=Rule.choices, blank=True, default="")
    threshold = models.PositiveIntegerField(_("from"), default=0,
                                            help_text=_("The figure a member must reach to earn the medal."))
    price = models.PositiveIntegerField(_("price"), default=0, help_text=_("0: not for sale."))
    price_type = models.ForeignKey(CreditType, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("paid in"))
    enabled = models.BooleanField(_("enabled"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("medal")
        verbose_name_plural = _("medals")
        constraints = [
            models.CheckConstraint(condition=Q(price=0) | Q(price_type__isnull=False), name="medal_price_has_type"),
            models.CheckConstraint(condition=Q(rule="") | Q(threshold__gte=1), name="medal_rule_has_threshold"),
        ]

    def __str__(self) -> str:
        return self.name


class MemberMedal(models.Model):
    class How(models.TextChoices):
        HAND = "hand", _("granted")
        RULE = "rule", _("earned")
        BOUGHT = "bought", _("bought")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("member"))
    medal = models.ForeignKey(Medal, on_delete=models.CASCADE, related_name="holders", verbose_name=_("medal"))
    how = models.CharField(_("how"), max_length=10, choices=How.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("granted by"))
    granted_at = models.DateTimeField(_("since"), default=timezone.now)
    # A purchase's hidden form key: a repeated request replays the first purchase.
    submission_key = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = _("member's medal")
        verbose_name_plural = _("members' medals")
        constraints = [
            models.UniqueConstraint(fields=["member", "medal"], name="membermedal_once"),
            models.UniqueConstraint(fields=["member", "submission_key"], condition=~Q(submission_key=""),
                                    name="membermedal_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.medal_id}"


class MedalShelf(models.Model):
    """The ids of a member's medals ("3,1,7"), written with every grant and revocation: the card reads it
    with its members' query (luntan.medals.cards). Rebuilt from MemberMedal by medals_reshelve."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                  related_name="+")
    medal_ids = models.CharField(max_length=1000, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.member_id}:{self.medal_ids}"
