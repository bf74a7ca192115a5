"""幸运大转盘: the administrator's prize table and price, each member's seeds, and every spin with the table
as it was (so that an old spin stays verifiable after the table changes)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luntan.credits.models import CreditType

MAX_SLOTS = 16
MAX_WEIGHT = 1_000_000


class WheelSettings(models.Model):
    """The wheel's one settings row (pk 1): open or closed, and what a spin costs. How many spins a member
    has a day is a group setting (MemberGroup.wheel_spins_per_day)."""

    enabled = models.BooleanField(_("open"), default=True)
    cost_type = models.ForeignKey(CreditType, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("cost: credit type"),
                                  help_text=_("Leave empty to make spins free."))
    cost_amount = models.PositiveIntegerField(_("cost: amount"), default=10)

    class Meta:
        verbose_name = _("lucky wheel settings")
        verbose_name_plural = _("lucky wheel settings")

    def __str__(self) -> str:
        return str(_("lucky wheel settings"))


class Slot(models.Model):
    """A slice of the wheel. No prize type (or 0) means nothing is won (谢谢参与). A slot with a stock can be
    won that many times more; at 0 it weighs nothing until the administrator refills it."""

    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Order on the wheel."))
    name = models.CharField(_("name"), max_length=12)
    prize_type = models.ForeignKey(CreditType, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("prize: credit type"), help_text=_("Empty: no prize (谢谢参与)."))
    prize_amount = models.PositiveIntegerField(_("prize: amount"), default=0)
    weight = models.PositiveIntegerField(_("weight"), default=100)
    stock = models.PositiveIntegerField(_("stock"), null=True, blank=True,
                                        help_text=_("Empty: unlimited. Lowered by one each time it is won."))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("prize slot")
        verbose_name_plural = _("prize slots")
        constraints = [
            models.CheckConstraint(condition=Q(stock__isnull=True) | Q(stock__gte=0),
                                   name="wheel_slot_stock_not_negative"),
            models.CheckConstraint(condition=Q(weight__lte=MAX_WEIGHT), name="wheel_slot_weight_bounded"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_prize(self) -> bool:
        return self.prize_type_id is not None and self.prize_amount > 0

    @property
    def drawable_weight(self) -> int:
        return 0 if self.stock == 0 else self.weight


class Seed(models.Model):
    """A member's server seed and client seed. One is active at a time (revealed_at empty); its server seed
    stays secret until the member rotates it. `spins` counts the spins made with it (the last nonce)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    server_seed = models.CharField(max_length=64)
    server_hash = models.CharField(max_length=64)
    client_seed = models.CharField(max_length=32)
    spins = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    revealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member"], condition=Q(revealed_at__isnull=True),
                                               name="wheel_one_active_seed")]
        indexes = [models.Index(fields=["member", "-id"], name="wheel_seed_member")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.server_hash[:12]}"

    @property
    def revealed(self) -> bool:
        return self.revealed_at is not None


class Spin(models.Model):
    """One spin: what it cost, what it won, and everything needed to recompute it (the seed, the client
    seed, the nonce and the table's slots with the weights they had)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seed = models.ForeignKey(Seed, on_delete=models.PROTECT, related_name="spin_set")
    nonce = models.PositiveIntegerField()
    client_seed = models.CharField(max_length=32)
    # [{"id": slot id, "name": ..., "weight": weight as drawn (0 when out of stock), "prize": "5 鼎币"}, ...]
    table = models.JSONField()
    index = models.PositiveSmallIntegerField()  # the winner's place in `table`
    roll = models.PositiveBigIntegerField(default=0)  # the ticket drawn, 0 .. total weight - 1
    slot = models.ForeignKey(Slot, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    slot_name = models.CharField(max_length=12)
    prize_type = models.ForeignKey(CreditType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    prize_amount = models.PositiveIntegerField(default=0)
    cost_type = models.ForeignKey(CreditType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cost_amount = models.PositiveIntegerField(default=0)
    day = models.DateField()  # the site's local date: the daily allowance counts by it
    key = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["seed", "nonce"], name="wheel_spin_nonce_once"),
            models.UniqueConstraint(fields=["member", "key"], condition=~Q(key=""), name="wheel_spin_key_once"),
        ]
        indexes = [
            models.Index(fields=["member", "day"], name="wheel_spin_member_day"),
            models.Index(fields=["member", "-id"], name="wheel_spin_member_recent"),
            models.Index(fields=["-id"], condition=Q(prize_amount__gt=0), name="wheel_spin_winners"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}#{self.nonce}:{self.slot_name}"

    @property
    def won(self) -> bool:
        return self.prize_type_id is not None and self.prize_amount > 0
