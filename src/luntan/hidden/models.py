"""Content with a condition (隐藏内容 / 出售内容): the parts of a floor cut out of its public text
(luntan.markup.conditions), kept here, and who bought the paid ones.

A part is named by its floor and its number within the floor; an edit rewrites the floor's parts under the same
numbers, so a purchase (floor, number, buyer) still opens the part after the author edits it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luntan.forum.models import Floor


class FloorPart(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", _("readers who replied")
        CREDITS = "credits", _("readers with enough total credits")
        SELL = "sell", _("readers who paid")

    floor = models.ForeignKey(Floor, on_delete=models.CASCADE, related_name="conditional_parts",
                              verbose_name=_("floor"))
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("shown to"), max_length=10, choices=Kind.choices)
    # The total credits a reader needs (CREDITS), or the price in the trade currency (SELL); 0 for REPLY.
    amount = models.PositiveIntegerField(_("amount"), default=0)
    # Cooked and sanitized by luntan.markup, like the floor's own text.
    html = models.TextField(editable=False)
    buyer_count = models.PositiveIntegerField(_("buyers"), default=0)

    class Meta:
        verbose_name = _("hidden part")
        verbose_name_plural = _("hidden parts")
        constraints = [
            models.UniqueConstraint(fields=["floor", "number"], name="floorpart_number_once"),
            models.CheckConstraint(condition=~Q(kind="sell") | Q(amount__gt=0), name="floorpart_sell_priced"),
        ]

    def __str__(self) -> str:
        return f"{self.floor_id}/{self.number}"


class Purchase(models.Model):
    """One member paid for one part: once (the unique constraint), whatever is clicked or resent."""

    floor = models.ForeignKey(Floor, on_delete=models.CASCADE, related_name="+", verbose_name=_("floor"))
    number = models.PositiveSmallIntegerField(_("part"))
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("buyer"))
    credit_type_id = models.PositiveIntegerField()
    price = models.PositiveIntegerField(_("price"))
    tax = models.PositiveIntegerField(_("tax"), default=0)
    created_at = models.DateTimeField(_("bought"), default=timezone.now)

    class Meta:
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        constraints = [models.UniqueConstraint(fields=["floor", "number", "buyer"], name="purchase_once")]
        indexes = [models.Index(fields=["buyer", "floor"], name="purchase_buyer_floor")]

    def __str__(self) -> str:
        return f"{self.buyer_id}:{self.floor_id}/{self.number}"
