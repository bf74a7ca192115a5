"""The site's credits: up to eight types set by the administrator, a wallet per member and type, and the
append-only ledger that every change of a balance writes in the same transaction (luntan.credits.services).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_TYPES = 8


class CreditType(models.Model):
    """财富, 威望, 贡献值 ...: what members earn and spend. `slot` (1..8) is the type's fixed place, as
    Discuz!'s extcredits1..8, so that formulas and imports can name it whatever the admin calls it."""

    slot = models.PositiveSmallIntegerField(_("slot"), unique=True, choices=[(i, str(i)) for i in range(1, 9)])
    name = models.CharField(_("name"), max_length=12, unique=True)
    unit = models.CharField(_("unit"), max_length=8, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    on_card = models.BooleanField(_("shown on the author card"), default=True)
    initial = models.BigIntegerField(_("initial value"), default=0)
    lower_limit = models.BigIntegerField(_("lower limit"), default=0)
    transferable = models.BooleanField(_("transferable"), default=False)
    # 兑换: one unit of this type is worth `exchange_ratio` points of the site's common measure; 0 = not
    # exchangeable. A to B gives amount × ratio(A) / ratio(B), rounded down.
    exchange_ratio = models.PositiveIntegerField(_("exchange ratio"), default=0)

    class Meta:
        ordering = ["slot"]
        verbose_name = _("credit type")
        verbose_name_plural = _("credit types")
        constraints = [
            models.CheckConstraint(condition=Q(slot__gte=1) & Q(slot__lte=MAX_TYPES), name="credittype_slot_1_8"),
            models.CheckConstraint(condition=Q(initial__gte=F("lower_limit")), name="credittype_initial_allowed"),
        ]

    def __str__(self) -> str:
        return self.name


class Wallet(models.Model):
    """A member's balance of one credit type. Made on the first change, with an "initial" ledger row, so the
    ledger always adds up to the balance. `lower_limit` is the type's, copied here so that the database
    itself refuses a balance below it."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wallets")
    credit_type = models.ForeignKey(CreditType, on_delete=models.PROTECT, related_name="wallets")
    balance = models.BigIntegerField(default=0)
    lower_limit = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "credit_type"], name="wallet_one_per_type"),
            models.CheckConstraint(condition=Q(balance__gte=F("lower_limit")), name="wallet_not_below_limit"),
        ]
        indexes = [models.Index(fields=["credit_type", "-balance"], name="wallet_ranking")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.credit_type_id}={self.balance}"


class Operation(models.TextChoices):
    """Why a balance changed. Rules (luntan.credits.rules) use the action's own code."""
    INITIAL = "initial", _("Initial balance")
    THREAD = "thread", _("Posted a thread")
    REPLY = "reply", _("Posted a reply")
    DIGEST = "digest", _("Thread made digest")
    DAILY_VISIT = "visit", _("First visit of the day")
    CHECKIN = "checkin", _("Daily check-in")
    MOOD_RECEIVED = "mood", _("Received a mood vote")
    LIKE_RECEIVED = "like", _("Received a like")
    MOOD_GIVEN = "mood_given", _("Gave a mood vote")
    AVATAR = "avatar", _("Set an avatar")
    THREAD_DELETED = "thread_deleted", _("Thread deleted")
    REPLY_DELETED = "reply_deleted", _("Reply deleted")
    THREAD_RESTORED = "thread_restored", _("Thread restored")
    REPLY_RESTORED = "reply_restored", _("Reply restored")
    WHEEL_SPIN = "wheel_spin", _("Lucky wheel: spin")
    WHEEL_PRIZE = "wheel_prize", _("Lucky wheel: prize")
    TRANSFER_OUT = "transfer_out", _("Transfer sent")
    TRANSFER_IN = "transfer_in", _("Transfer received")
    TRANSFER_TAX = "transfer_tax", _("Transfer tax")
    EXCHANGE_OUT = "exchange_out", _("Exchange: paid")
    EXCHANGE_IN = "exchange_in", _("Exchange: received")
    MEDAL = "medal", _("Bought a medal")
    ITEM = "item", _("Bought an item")
    ATTACHMENT_BUY = "attachment_buy", _("Bought an attachment")
    ATTACHMENT_SALE = "attachment_sale", _("Sold an attachment")
    CONTENT_BUY = "content_buy", _("Bought paid content")
    CONTENT_SALE = "content_sale", _("Sold paid content")
    ADJUST = "adjust", _("Changed by an administrator")


# The actions the admin's rules apply to (the rest of Operation are spends and transfers, priced elsewhere).
RULE_ACTIONS = [(op.value, op.label) for op in (
    Operation.THREAD, Operation.REPLY, Operation.DIGEST, Operation.DAILY_VISIT, Operation.CHECKIN,
    Operation.MOOD_RECEIVED, Operation.LIKE_RECEIVED, Operation.AVATAR, Operation.THREAD_DELETED,
    Operation.REPLY_DELETED)]


class CreditEntry(models.Model):
    """One change of one balance. Never updated, never deleted: `luntan credits audit` adds them up."""

    # PROTECT: the ledger is never changed, so a member with a credit history is deactivated, not deleted.
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_entries")
    credit_type = models.ForeignKey(CreditType, on_delete=models.PROTECT, related_name="+")
    delta = models.BigIntegerField()
    balance_after = models.BigIntegerField()
    # An Operation value; not a database choice list, so that an app adding an operation needs no migration
    # of this table.
    operation = models.CharField(max_length=20)
    # What the change concerns ("thread", 12), shown as a link on the member's ledger.
    subject_kind = models.CharField(max_length=20, blank=True, default="")
    subject_id = models.BigIntegerField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            models.Index(fields=["member", "-id"], name="entry_member_recent"),
            models.Index(fields=["member", "credit_type", "-id"], name="entry_member_type"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.credit_type_id}{self.delta:+d}={self.balance_after}"


class CreditRule(models.Model):
    """What an action earns (or costs), how often it counts, and how much per credit type."""

    class Cycle(models.TextChoices):
        ONCE = "once", _("once")
        DAY = "day", _("per day")
        HOURS = "hours", _("every N hours")
        MINUTES = "minutes", _("every N minutes")
        UNLIMITED = "unlimited", _("unlimited")

    action = models.CharField(_("action"), max_length=20, unique=True, choices=RULE_ACTIONS)
    enabled = models.BooleanField(_("enabled"), default=True)
    cycle = models.CharField(_("cycle"), max_length=10, choices=Cycle.choices, default=Cycle.DAY)
    cycle_length = models.PositiveIntegerField(_("N (hours or minutes)"), default=1)
    max_per_cycle = models.PositiveIntegerField(_("times per cycle"), default=1,
                                                help_text=_("0 means no limit."))

    class Meta:
        ordering = ["id"]
        verbose_name = _("credit rule")
        verbose_name_plural = _("credit rules")
        constraints = [models.CheckConstraint(condition=Q(cycle_length__gte=1), name="creditrule_length_positive")]

    def __str__(self) -> str:
        return str(dict(RULE_ACTIONS).get(self.action, self.action))


class RuleAmount(models.Model):
    rule = models.ForeignKey(CreditRule, on_delete=models.CASCADE, related_name="amounts")
    credit_type = models.ForeignKey(CreditType, on_delete=models.CASCADE, related_name="+",
                                    verbose_name=_("credit type"))
    amount = models.BigIntegerField(_("amount"))

    class Meta:
        verbose_name = _("amount")
        verbose_name_plural = _("amounts")
        constraints = [models.UniqueConstraint(fields=["rule", "credit_type"], name="ruleamount_one_per_type")]

    def __str__(self) -> str:
        return f"{self.credit_type_id}{self.amount:+d}"


class RuleUsage(models.Model):
    """How many times a member's action counted in one cycle (the cycle named by its start)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=20)
    cycle_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "action", "cycle_start"], name="ruleusage_once")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.action}@{self.cycle_start}={self.count}"


class EconomySettings(models.Model):
    """The economy's site-wide settings: one row (pk 1), edited in the admin."""

    level_formula = models.CharField(
        _("total credits formula"), max_length=300, default="发帖 + 精华*5 + 威望*2 + 财富 + 贡献值",
        help_text=_("Names: 发帖 (posts), 主题 (threads), 精华 (digests), 在线 (online hours) and the credit "
                    "types' names or credit1..credit8; numbers; + - * × / and brackets."))
    transfer_tax_percent = models.PositiveSmallIntegerField(_("transfer tax (%)"), default=5)
    transfer_min_kept = models.BigIntegerField(_("balance a sender must keep"), default=10)
    transfer_daily_cap = models.BigIntegerField(_("transfers a day, per member (total amount)"), default=5000)

    class Meta:
        verbose_name = _("economy settings")
        verbose_name_plural = _("economy settings")
        constraints = [models.CheckConstraint(condition=Q(transfer_tax_percent__lte=100), name="economy_tax_0_100")]

    def __str__(self) -> str:
        return str(_("economy settings"))


class CreditSubmission(models.Model):
    """A spend's submission key (a hidden field of its form): a double click or a retried request finds its
    first result here and changes nothing again."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    operation = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)
    # The ledger rows the first request wrote, "id,id,..."
    entry_ids = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "key"], name="creditsubmission_once")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.key}"
