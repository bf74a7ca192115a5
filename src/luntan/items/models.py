"""道具: items the administrator prices, each member's inventory, and the effects items have on threads,
which end on time (luntan.items.services.items_expire)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luntan.credits.models import CreditType
from luntan.forum.models import Thread


class Item(models.Model):
    class Kind(models.TextChoices):
        HIGHLIGHT = "highlight", _("Highlight card: colours my thread's title")
        STICKY = "sticky", _("Sticky card: sticks my thread to the top of its board")
        BUMP = "bump", _("Bump card: moves my thread to the top of the latest replies")
        RENAME = "rename", _("Rename card: changes my username")

    kind = models.CharField(_("what it does"), max_length=12, choices=Kind.choices, unique=True)
    name = models.CharField(_("name"), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    price = models.PositiveIntegerField(_("price"), default=10)
    price_type = models.ForeignKey(CreditType, on_delete=models.PROTECT, related_name="+", verbose_name=_("paid in"))
    hours = models.PositiveSmallIntegerField(_("effect lasts (hours)"), default=24,
                                             help_text=_("Not used by the bump and rename cards."))
    enabled = models.BooleanField(_("enabled"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    stock = models.PositiveIntegerField(_("stock"), null=True, blank=True, help_text=_("Empty: unlimited."))
    daily_limit = models.PositiveSmallIntegerField(_("a member may buy a day"), default=0,
                                                   help_text=_("0: no limit."))

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [models.CheckConstraint(condition=Q(hours__gte=1), name="item_hours_positive")]

    def __str__(self) -> str:
        return self.name


class Inventory(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "item"], name="inventory_once"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="inventory_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.item_id}×{self.quantity}"


class Purchase(models.Model):
    """One purchase (a quantity of one item); its submission key makes a repeated request replay it."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    paid = models.BigIntegerField()
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "key"], name="purchase_key_once")]
        indexes = [models.Index(fields=["member", "item", "-created_at"], name="purchase_member_day")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.item_id}×{self.quantity}"


class Use(models.Model):
    """One use of an item, on a thread or on oneself."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "key"], name="use_key_once")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.item_id}@{self.thread_id}"


class Effect(models.Model):
    """An item's effect on a thread while it lasts: the field's value before (restored at the end unless a
    moderator changed it meanwhile) and the value the item set."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Item.Kind.choices)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    previous = models.CharField(max_length=10, blank=True)
    applied = models.CharField(max_length=10, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "kind"], condition=Q(active=True),
                                               name="effect_one_running")]
        indexes = [models.Index(fields=["active", "ends_at"], name="effect_due")]

    def __str__(self) -> str:
        return f"{self.thread_id}:{self.kind} until {self.ends_at}"


class NameChange(models.Model):
    """A member's earlier name, kept when they rename themselves."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    old_name = models.CharField(max_length=30)
    new_name = models.CharField(max_length=30)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("name change")
        verbose_name_plural = _("name changes")

    def __str__(self) -> str:
        return f"{self.old_name} → {self.new_name}"
