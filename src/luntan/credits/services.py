"""Every change of a balance goes through `credit_apply`: the members' rows are locked in UID order (the
member row is the lock of all its wallets), the balances are read again after locking, the wallets and the
ledger change in one transaction, and the database's CheckConstraint refuses a balance below its lower limit
if anything slipped past the check. On SQLite, `atomic()` takes the write lock at BEGIN (transaction_mode
IMMEDIATE), so writers queue; on PostgreSQL the row locks order them.

Features never write wallets themselves: they call `credit_apply` (spends, prizes, transfers) or
`rule_reward` (what an action earns under the admin's rules), inside their own transaction."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from luntan.accounts import groups
from luntan.accounts.models import Member
from luntan.core import presence
from luntan.credits import config, levels
from luntan.credits.models import (
    CreditEntry,
    CreditRule,
    CreditSubmission,
    CreditType,
    EconomySettings,
    Operation,
    RuleUsage,
    Wallet,
)


@dataclass(frozen=True)
class Change:
    member_id: int
    type_id: int
    delta: int


class NotEnoughCredits(ValidationError):
    """A change would take a balance below its lower limit; nothing was changed."""


def lock_members(member_ids: Iterable[int]) -> dict[int, Member]:
    """Locks the members' rows, always in UID order so that two writers never wait for each other in a
    circle, and returns them as they are now."""
    ids = sorted(set(member_ids))
    if not ids:
        return {}
    # Only what settling a member's level reads (luntan.credits.levels): the row is the lock, not a read.
    # FOR NO KEY UPDATE (a member's key never changes): on PostgreSQL it does not wait for, or block, the
    # key-share locks that every new row pointing at the member (a floor, a ledger entry) takes, which
    # otherwise closed circles of waits between posts and transfers. Written out rather than composed by the
    # ORM: it runs inside every ledger transaction, where composing it took 0.75 ms against 0.15.
    qn = connection.ops.quote_name
    lock = connection.ops.for_update_sql(no_key=True) if connection.features.has_select_for_update else ""
    columns = ", ".join(qn(f) for f in LOCKED_FIELDS)  # their columns: none has a db_column of its own
    rows = Member.objects.raw(
        f"SELECT {columns} FROM {qn(Member._meta.db_table)} "  # noqa: S608 - our names
        f"WHERE {qn('id')} IN ({', '.join(['%s'] * len(ids))}) ORDER BY {qn('id')} {lock}", ids)
    return {m.pk: m for m in rows}


LOCKED_FIELDS = ("id", "group_id", "post_count", "thread_count", "digest_count", "online_seconds", "credit_total",
                 "card_stamp", "username", "is_active")


def _wallets(member_ids: Iterable[int]) -> dict[tuple[int, int], Wallet]:
    return {(w.member_id, w.credit_type_id): w for w in Wallet.objects.filter(member_id__in=list(member_ids))}


def _merged(changes: Iterable[Change]) -> list[Change]:
    """One change per member and type, in the order they first came."""
    sums: dict[tuple[int, int], int] = {}
    for c in changes:
        sums[(c.member_id, c.type_id)] = sums.get((c.member_id, c.type_id), 0) + c.delta
    return [Change(m, t, d) for (m, t), d in sums.items() if d]


def credit_apply(*, changes: Iterable[Change], operation: str, subject_kind: str = "", subject_id: int | None = None,
                 note: str = "", clamp: bool = False, now: datetime | None = None,
                 locked: dict[int, Member] | None = None) -> list[CreditEntry]:
    """Applies the changes in one transaction and returns the ledger rows written (changes of one member's
    wallet are added up into one row). A change that would take a balance below the type's lower limit
    raises NotEnoughCredits and changes nothing, unless `clamp` (a reward taken back): then it takes what
    is there down to the limit. `locked`: the members, already locked by the caller in this transaction.

    A refusal comes before anything is written (inside a savepoint when this call takes the locks itself), so
    a caller may catch it and go on in its own transaction; a clamped change cannot be refused."""
    changes = _merged(changes)
    now = now or timezone.now()
    if locked is not None:
        # The caller's transaction holds the members' locks, and every refusal below comes before the first
        # write: no savepoint is needed for a caller to go on after one (two statements fewer inside the lock
        # that a midnight rush of check-ins queues for).
        if not connection.in_atomic_block:
            raise RuntimeError("credit_apply(locked=...) belongs inside the transaction that locked them")
        return _apply(changes, locked, operation=operation, subject_kind=subject_kind, subject_id=subject_id,
                      note=note, clamp=clamp, now=now)
    with transaction.atomic(savepoint=not clamp):
        members = lock_members([c.member_id for c in changes])
        return _apply(changes, members, operation=operation, subject_kind=subject_kind, subject_id=subject_id,
                      note=note, clamp=clamp, now=now)


def _apply(changes: list[Change], members: dict[int, Member], *, operation: str, subject_kind: str,
           subject_id: int | None, note: str, clamp: bool, now: datetime) -> list[CreditEntry]:
    """credit_apply's work, the members locked: checks every change, then writes (nothing before a refusal)."""
    if not changes:
        return []
    econ = config.economy()
    wallets = _wallets(members)
    entries: list[CreditEntry] = []
    touched: dict[tuple[int, int], Wallet] = {}
    new: dict[tuple[int, int], Wallet] = {}
    for change in changes:
        kind = econ.types.get(change.type_id)
        if kind is None or change.member_id not in members:
            raise ValidationError(_("That credit type or member does not exist."), code="credit_unknown")
        key = (change.member_id, change.type_id)
        wallet = wallets.get(key)
        if wallet is None:
            # A first change opens the wallet at the type's initial value, written in the ledger too; the
            # row is inserted below, with its balance after this change.
            wallet = wallets[key] = new[key] = Wallet(
                member_id=change.member_id, credit_type_id=kind.id, balance=kind.initial,
                lower_limit=min(kind.lower_limit, kind.initial))
            entries.append(CreditEntry(member_id=change.member_id, credit_type_id=kind.id, delta=kind.initial,
                                       balance_after=kind.initial, operation=Operation.INITIAL, created_at=now))
        delta = change.delta
        if wallet.balance + delta < wallet.lower_limit:
            if not clamp:
                raise NotEnoughCredits(
                    _("Not enough %(name)s: you have %(have)s, and this needs %(need)s.") % {
                        "name": kind.name, "have": kind.amount(wallet.balance), "need": kind.amount(-delta)},
                    code="not_enough")
            delta = min(0, wallet.lower_limit - wallet.balance)
            if not delta:
                continue
        wallet.balance += delta
        if key not in new:
            touched[key] = wallet
        entries.append(CreditEntry(
            member_id=change.member_id, credit_type_id=kind.id, delta=delta, balance_after=wallet.balance,
            operation=operation, subject_kind=subject_kind, subject_id=subject_id, note=note[:200],
            created_at=now))
    # Writes from here on: nothing below refuses.
    if new:
        Wallet.objects.bulk_create(new.values())
    for wallet in touched.values():
        Wallet.objects.filter(pk=wallet.pk).update(balance=wallet.balance)
    CreditEntry.objects.bulk_create(entries)
    for member in members.values():
        _settle(member, {t: w.balance for (m, t), w in wallets.items() if m == member.pk}, econ, changed=True)
    return [e for e in entries if e.operation != Operation.INITIAL]


def _settle(member: Member, balances: dict[int, int], econ: config.Economy, *, changed: bool) -> None:
    """Keeps the member's total, level and card stamp in step with their figures (member row locked)."""
    total = levels.total_of(member, balances, econ)
    updates: dict[str, object] = {}
    if total != member.credit_total:
        updates["credit_total"] = member.credit_total = total
    if groups.moves_by_credits(member.group_id):
        level = groups.level_for(total)
        if level is not None and level != member.group_id:
            updates["group_id"] = member.group_id = level
    if changed or updates:
        updates["card_stamp"] = F("card_stamp") + 1
    if updates:
        Member.objects.filter(pk=member.pk).update(**updates)


def cycle_start(rule: config.RuleInfo, now: datetime) -> datetime | None:
    """The start of the rule's current cycle in the site's time zone; None for an unlimited rule."""
    if rule.cycle == CreditRule.Cycle.UNLIMITED:
        return None
    if rule.cycle == CreditRule.Cycle.ONCE:
        return datetime(1970, 1, 1, tzinfo=UTC)
    local = timezone.localtime(now)
    if rule.cycle == CreditRule.Cycle.DAY:
        return local.replace(hour=0, minute=0, second=0, microsecond=0)
    seconds = rule.cycle_length * (3600 if rule.cycle == CreditRule.Cycle.HOURS else 60)
    offset = local.utcoffset() or timedelta(0)
    into = int(local.timestamp() + offset.total_seconds()) % seconds
    return local.replace(microsecond=0) - timedelta(seconds=into)


def rule_reward(*, member_id: int, action: str, subject_kind: str = "", subject_id: int | None = None,
                multiplier: int = 1, now: datetime | None = None) -> list[CreditEntry]:
    """What `action` earns `member_id` under the admin's rule, if the rule's cycle still allows it; a
    negative amount (a reward taken back) takes at most what is there. Also settles the member's level,
    which the action may have moved (a post counts in the formula). Call inside the action's transaction."""
    now = now or timezone.now()
    with transaction.atomic(savepoint=False):  # nothing here is refused: no savepoint needed
        members = lock_members([member_id])
        if member_id not in members:
            return []
        changes = rule_changes(member_id=member_id, action=action, multiplier=multiplier, now=now)
        if changes:
            return credit_apply(changes=changes, operation=action, subject_kind=subject_kind, subject_id=subject_id,
                                clamp=True, now=now, locked=members)
        balances = {w.credit_type_id: w.balance for w in Wallet.objects.filter(member_id=member_id)}
        _settle(members[member_id], balances, config.economy(), changed=False)
        return []


def rule_changes(*, member_id: int, action: str, multiplier: int = 1, now: datetime) -> list[Change]:
    """What the admin's rule for `action` gives the member now, counted against its cycle; [] when the rule
    is off or its cycle is used up. The caller holds the member's lock and applies the changes (with
    clamp=True, as a reward taken back takes at most what is there)."""
    econ = config.economy()
    rule = econ.rules.get(action)
    if rule is None or not rule.enabled:
        return []
    amounts = {t: a * multiplier for t, a in rule.amounts.items() if t in econ.types and econ.types[t].enabled and a}
    if not amounts or not _counts(rule, member_id, now):
        return []
    return [Change(member_id, t, a) for t, a in amounts.items()]


def _counts(rule: config.RuleInfo, member_id: int, now: datetime) -> bool:
    """Whether this use of the rule still earns in its cycle; counts it if so (member row locked)."""
    start = cycle_start(rule, now)
    if start is None or rule.max_per_cycle == 0 and rule.cycle != CreditRule.Cycle.ONCE:
        return True
    limit = 1 if rule.cycle == CreditRule.Cycle.ONCE else rule.max_per_cycle
    if not connection.features.can_return_rows_from_bulk_insert:  # SQLite before 3.35: no RETURNING
        # The member's lock is held: nobody else counts this member's uses now, so read-then-write is exact.
        used = RuleUsage.objects.filter(member_id=member_id, action=rule.action, cycle_start=start).values_list(
            "pk", "count").first()
        if used is None:
            RuleUsage.objects.create(member_id=member_id, action=rule.action, cycle_start=start, count=1)
            return True
        if used[1] >= limit:
            return False
        RuleUsage.objects.filter(pk=used[0]).update(count=F("count") + 1)
        return True
    # One statement instead of two or three (it runs inside the lock of every reward): the use is counted
    # unless the cycle is used up, and a row comes back only if it was.
    qn = connection.ops.quote_name
    table, count = qn(RuleUsage._meta.db_table), qn("count")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({qn('member_id')}, {qn('action')}, {qn('cycle_start')}, {count}) "  # noqa: S608
            f"VALUES (%s, %s, %s, 1) ON CONFLICT ({qn('member_id')}, {qn('action')}, {qn('cycle_start')}) "
            f"DO UPDATE SET {count} = {table}.{count} + 1 WHERE {table}.{count} < %s RETURNING {count}",
            [member_id, rule.action, connection.ops.adapt_datetimefield_value(start), limit])
        return cursor.fetchone() is not None


def balances_of(member_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    """{member id: {credit type id: balance}} with every type, a missing wallet at the type's initial value."""
    econ = config.economy()
    ids = list(member_ids)
    found: dict[int, dict[int, int]] = {m: {t.id: t.initial for t in econ.types.values()} for m in ids}
    for member_id, type_id, balance in Wallet.objects.filter(member_id__in=ids).values_list(
            "member_id", "credit_type_id", "balance"):
        found[member_id][type_id] = balance
    return found


# --- Administration ------------------------------------------------------------------------------------------

def _check_admin(by) -> None:
    if not (by.is_authenticated and by.is_active and (by.is_superuser or by.is_staff)):
        raise PermissionDenied(_("Only the site's administrators may change the economy."))


def credit_adjust(*, by, member: Member, credit_type: CreditType, delta: int, note: str = "") -> list[CreditEntry]:
    """An administrator gives or takes credits by hand; written to the ledger like any change."""
    _check_admin(by)
    if not delta:
        raise ValidationError(_("Enter an amount other than 0."), code="zero")
    return credit_apply(changes=[Change(member.pk, credit_type.pk, delta)], operation=Operation.ADJUST,
                        subject_kind="admin", subject_id=by.pk, note=note)


def credit_type_save(*, by, credit_type: CreditType) -> CreditType:
    """Creates or changes a credit type. A new lower limit is copied to the wallets; a wallet already below
    it keeps its balance (its own limit becomes its balance), since nothing may be taken without a record."""
    _check_admin(by)
    if credit_type.initial < credit_type.lower_limit:
        raise ValidationError(_("The initial value cannot be below the lower limit."), code="initial_below")
    with transaction.atomic():
        if credit_type.pk is None and CreditType.objects.count() >= 8:
            raise ValidationError(_("A site has at most 8 credit types."), code="too_many_types")
        credit_type.save()
        Wallet.objects.filter(credit_type=credit_type, balance__gte=credit_type.lower_limit).update(
            lower_limit=credit_type.lower_limit)
        Wallet.objects.filter(credit_type=credit_type, balance__lt=credit_type.lower_limit).update(
            lower_limit=F("balance"))
        config.changed()
    return credit_type


def credit_type_delete(*, by, credit_type: CreditType) -> None:
    _check_admin(by)
    if CreditEntry.objects.filter(credit_type=credit_type).exists():
        raise ValidationError(_("“%(name)s” is in the ledger and cannot be deleted; disable it instead.") % {
            "name": credit_type.name}, code="type_in_use")
    with transaction.atomic():
        credit_type.delete()
        config.changed()


def credit_rule_save(*, by, rule: CreditRule) -> CreditRule:
    """Saves a rule; its amounts are saved by the admin's inline forms in the same transaction."""
    _check_admin(by)
    with transaction.atomic():
        rule.save()
        config.changed()
    return rule


def economy_settings_save(*, by, row: EconomySettings) -> EconomySettings:
    _check_admin(by)
    levels.check_formula(row.level_formula, config.economy())
    with transaction.atomic():
        row.pk = 1
        row.save()
        config.changed()
    return row


def credits_resettle(*, members=None) -> int:
    """Recomputes every member's total and level (after the formula or the thresholds changed); returns how
    many members changed."""
    changed = 0
    econ = config.economy()
    queryset = members if members is not None else Member.objects.all()
    for member_id in queryset.order_by("pk").values_list("pk", flat=True).iterator():
        with transaction.atomic():
            member = lock_members([member_id])[member_id]
            before = (member.credit_total, member.group_id)
            balances = {w.credit_type_id: w.balance for w in Wallet.objects.filter(member_id=member_id)}
            _settle(member, balances, econ, changed=False)
            changed += (member.credit_total, member.group_id) != before
    return changed


# --- Audit -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditProblem:
    member_id: int
    type_id: int
    text: str


def credits_audit() -> list[AuditProblem]:
    """Every wallet against its ledger: the entries add up to the balance, and the last entry's balance
    is the balance. Entries without a wallet are problems too."""
    problems = []
    sums = {(r["member_id"], r["credit_type_id"]): r for r in CreditEntry.objects.values(
        "member_id", "credit_type_id").annotate(total=Sum("delta"), last=Max("id"))}
    last_after = dict(CreditEntry.objects.filter(id__in=[r["last"] for r in sums.values()]).values_list(
        "id", "balance_after"))
    for wallet in Wallet.objects.all().iterator():
        key = (wallet.member_id, wallet.credit_type_id)
        row = sums.pop(key, None)
        if row is None:
            problems.append(AuditProblem(*key, f"balance {wallet.balance}, no ledger entries"))
            continue
        if row["total"] != wallet.balance:
            problems.append(AuditProblem(*key, f"balance {wallet.balance}, ledger adds up to {row['total']}"))
        if last_after.get(row["last"]) != wallet.balance:
            problems.append(AuditProblem(
                *key, f"balance {wallet.balance}, last entry says {last_after.get(row['last'])}"))
    for key, row in sums.items():
        problems.append(AuditProblem(*key, f"ledger adds up to {row['total']}, but there is no wallet"))
    return problems




def daily_visit(*, member_id: int, today) -> bool:
    """Rewards the member's first visit of `today` (a local date) once, however many flushes race for it."""
    with transaction.atomic():
        if not Member.objects.filter(pk=member_id).exclude(visit_day=today).update(visit_day=today):
            return False
        rule_reward(member_id=member_id, action=Operation.DAILY_VISIT)
    return True


def visits_flush() -> int:
    """The first visit of the day, rewarded from the presence buffer (luntan.core.presence) when the
    buffers are written, so that reading a page never writes to the database. Returns the members
    rewarded."""
    now = timezone.now()
    today = timezone.localdate(now)
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    seen = [uid for uid, (last_seen, _name) in presence.members_seen().items() if last_seen >= midnight]
    if not seen:
        return 0
    due = Member.objects.filter(pk__in=seen).exclude(visit_day=today).values_list("pk", flat=True)
    return sum(daily_visit(member_id=uid, today=today) for uid in list(due))


# --- 社区服务: transfer and exchange --------------------------------------------------------------------------

MAX_AMOUNT = 10**12  # far beyond any real balance: a bigger number is a typing error, not a wish


@dataclass(frozen=True)
class Receipt:
    """What a transfer or exchange did, as the member's page reports it."""
    entries: list[CreditEntry]
    replayed: bool = False

    def delta(self, member_id: int, operation: str) -> int:
        return sum(e.delta for e in self.entries if e.member_id == member_id and e.operation == operation)


def _replay(member: Member, key: str | None, operation: str) -> Receipt | None:
    if not key:
        return None
    found = CreditSubmission.objects.filter(member=member, key=key).first()
    if found is None:
        return None
    ids = [int(i) for i in found.entry_ids.split(",") if i]
    return Receipt(entries=list(CreditEntry.objects.filter(pk__in=ids).order_by("pk")), replayed=True)


def _remember(member: Member, key: str | None, operation: str, entries: list[CreditEntry]) -> None:
    if key:
        CreditSubmission.objects.create(member=member, key=key[:64], operation=operation,
                                        entry_ids=",".join(str(e.pk) for e in entries))


def check_amount(amount) -> int:
    """A whole, positive, sensible number of credits, or a ValidationError the member reads."""
    if isinstance(amount, bool):
        amount = None
    try:
        value = int(str(amount).strip())
    except (TypeError, ValueError):
        raise ValidationError(_("Enter a whole number of credits, such as 100."), code="amount_invalid") from None
    if value <= 0:
        raise ValidationError(_("The amount must be more than 0."), code="amount_not_positive")
    if value > MAX_AMOUNT:
        raise ValidationError(_("That amount is too large."), code="amount_huge")
    return value


def _active_member(member) -> None:
    if not getattr(member, "is_authenticated", False):
        raise PermissionDenied(_("Please log in first."))
    if not member.is_active:
        raise PermissionDenied(_("Your account is disabled."))


def transfer_tax(amount: int, econ: config.Economy) -> int:
    """The tax on a transfer, rounded up: a transfer of 1 at 5 % still pays 1, so splitting a transfer
    into small ones never avoids it."""
    return -(-amount * econ.transfer_tax_percent // 100)


def check_transfer(*, sender, credit_type_id: int) -> config.TypeInfo:
    """Whether the sender may transfer this type at all (the page hides the form when not)."""
    _active_member(sender)
    if not groups.rules_for(sender).allow_transfer:
        raise PermissionDenied(_("Your user group may not transfer credits."))
    kind = config.credit_types().get(credit_type_id)
    if kind is None or not kind.enabled or not kind.transferable:
        raise ValidationError(_("This credit type cannot be transferred."), code="not_transferable")
    return kind


def transferred_today(member_id: int, type_id: int, now: datetime) -> int:
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    total = CreditEntry.objects.filter(
        member_id=member_id, credit_type_id=type_id, created_at__gte=start,
        operation__in=[Operation.TRANSFER_OUT, Operation.TRANSFER_TAX]).aggregate(s=Sum("delta"))["s"]
    return -(total or 0)


def credit_transfer(*, sender: Member, recipient_name: str, credit_type_id: int, amount, password: str,
                    note: str = "", submission_key: str | None = None, now: datetime | None = None,
                    confirmed: bool = False) -> Receipt:
    """转账: sends `amount` of a transferable type to another member. The sender pays the amount; the
    recipient gets it less the tax (a separate ledger row). The sender must confirm with their password,
    keep the site's minimum balance, and stay within the daily cap. Checked again after both members are
    locked, so two transfers racing for one balance can never both pass. `confirmed` skips the password
    for callers that act for the member without one (the demo, imports); no view passes it."""
    now = now or timezone.now()
    econ = config.economy()
    kind = check_transfer(sender=sender, credit_type_id=credit_type_id)
    value = check_amount(amount)
    if not confirmed and not sender.check_password(password or ""):
        raise ValidationError(_("The password is not right."), code="wrong_password")
    name = (recipient_name or "").strip()
    from luntan.accounts.names import name_key

    recipient = Member.objects.filter(name_key=name_key(name)).first() if name else None
    if recipient is None:
        raise ValidationError(_("There is no member called “%(name)s”.") % {"name": name[:30]}, code="no_recipient")
    if recipient.pk == sender.pk:
        raise ValidationError(_("You cannot transfer credits to yourself."), code="self_transfer")
    if not recipient.is_active:
        raise ValidationError(_("That member's account is disabled."), code="recipient_inactive")
    tax = transfer_tax(value, econ)
    with transaction.atomic():
        replay = _replay(sender, submission_key, Operation.TRANSFER_OUT)
        if replay is not None:
            return replay
        lock_members([sender.pk, recipient.pk])
        wallet = Wallet.objects.filter(member_id=sender.pk, credit_type_id=kind.id).first()
        balance = wallet.balance if wallet else kind.initial
        keep = max(econ.transfer_min_kept, kind.lower_limit)
        if balance - value < keep:
            raise NotEnoughCredits(
                _("You have %(have)s; after this transfer at least %(keep)s must remain.") % {
                    "have": kind.amount(balance), "keep": kind.amount(keep)}, code="not_enough")
        sent = transferred_today(sender.pk, kind.id, now) if econ.transfer_daily_cap else 0
        if econ.transfer_daily_cap and sent + value > econ.transfer_daily_cap:
            raise ValidationError(_("You may transfer at most %(cap)s a day; %(left)s is left for today.") % {
                "cap": kind.amount(econ.transfer_daily_cap),
                "left": kind.amount(max(econ.transfer_daily_cap - sent, 0))},
                code="daily_cap")
        note = note.strip()[:100]
        entries = credit_apply(changes=[Change(sender.pk, kind.id, -(value - tax))], operation=Operation.TRANSFER_OUT,
                               subject_kind="member", subject_id=recipient.pk, note=note, now=now)
        if tax:
            entries += credit_apply(changes=[Change(sender.pk, kind.id, -tax)], operation=Operation.TRANSFER_TAX,
                                    subject_kind="member", subject_id=recipient.pk, now=now)
        if value - tax:
            entries += credit_apply(changes=[Change(recipient.pk, kind.id, value - tax)],
                                    operation=Operation.TRANSFER_IN, subject_kind="member", subject_id=sender.pk,
                                    note=note, now=now)
        _remember(sender, submission_key, Operation.TRANSFER_OUT, entries)
    return Receipt(entries=entries)


def exchange_result(amount: int, source: config.TypeInfo, target: config.TypeInfo) -> int:
    return amount * source.exchange_ratio // target.exchange_ratio


def check_exchange(*, member, source_id: int, target_id: int) -> tuple[config.TypeInfo, config.TypeInfo]:
    _active_member(member)
    types = config.credit_types()
    source, target = types.get(source_id), types.get(target_id)
    if source is None or target is None or not (source.enabled and target.enabled):
        raise ValidationError(_("Choose two credit types of this site."), code="exchange_unknown")
    if source.id == target.id:
        raise ValidationError(_("Choose two different credit types."), code="exchange_same")
    if not (source.exchange_ratio and target.exchange_ratio):
        raise ValidationError(_("%(a)s cannot be exchanged for %(b)s.") % {"a": source.name, "b": target.name},
                              code="not_exchangeable")
    return source, target


def credit_exchange(*, member: Member, source_id: int, target_id: int, amount,
                    submission_key: str | None = None, now: datetime | None = None) -> Receipt:
    """兑换: pays `amount` of one type for the other at the admin's ratios, rounded down; an amount too
    small to buy one unit is refused rather than taken for nothing."""
    source, target = check_exchange(member=member, source_id=source_id, target_id=target_id)
    value = check_amount(amount)
    received = exchange_result(value, source, target)
    if received < 1:
        raise ValidationError(_("That is too little to buy one %(unit)s of %(name)s.") % {
            "unit": target.unit or "1", "name": target.name}, code="exchange_too_small")
    with transaction.atomic():
        replay = _replay(member, submission_key, Operation.EXCHANGE_OUT)
        if replay is not None:
            return replay
        entries = credit_apply(changes=[Change(member.pk, source.id, -value)], operation=Operation.EXCHANGE_OUT,
                               subject_kind="credit", subject_id=target.id, now=now)
        entries += credit_apply(changes=[Change(member.pk, target.id, received)], operation=Operation.EXCHANGE_IN,
                                subject_kind="credit", subject_id=source.id, now=now)
        _remember(member, submission_key, Operation.EXCHANGE_OUT, entries)
    return Receipt(entries=entries)
