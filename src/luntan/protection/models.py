from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luntan.accounts.models import MemberGroup

# --- 敏感词 (watched words): luntan.protection.words ---------------------------------------------------------


class WatchedWord(models.Model):
    """A word the admin watches for in what members write, and what happens when it is found."""

    class Action(models.TextChoices):
        BLOCK = "block", _("block the post")
        HOLD = "hold", _("hold for approval")
        FLAG = "flag", _("flag for moderators")
        REPLACE = "replace", _("replace with ***")

    word = models.CharField(_("word"), max_length=60)
    # The word as the matcher sees it (folded: width, case, 简繁; letters and digits only): two spellings of
    # one word are one entry.
    key = models.CharField(_("folded form"), max_length=60, unique=True, editable=False)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices, default=Action.REPLACE)
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["key"]
        verbose_name = _("watched word")
        verbose_name_plural = _("watched words")

    def __str__(self) -> str:
        return self.word


class WordHit(models.Model):
    """A text let through with a word flagged for moderators (or held on an edit), for the record: the floors
    among them are also in the reports queue; names, signatures and sentences are only here."""

    created_at = models.DateTimeField(_("when"), default=timezone.now)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("member"))
    where = models.CharField(_("where"), max_length=20)
    action = models.CharField(_("action"), max_length=10, choices=WatchedWord.Action.choices)
    words = models.CharField(_("words found"), max_length=200)
    excerpt = models.CharField(_("text"), max_length=300)
    floor = models.ForeignKey("forum.Floor", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("floor"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("watched word found")
        verbose_name_plural = _("watched words found")

    def __str__(self) -> str:
        return f"{self.where}: {self.words}"


# --- Rate limits per group and the rules for new members (luntan.protection.limits, .newcomers) -------------


class GroupLimit(models.Model):
    """How often the members of one group may do one action, counted per member or per address. Without a
    row, the site's default from settings.LUNTAN["LIMITS"] holds; a row with no count lifts the limit."""

    class Action(models.TextChoices):
        REGISTER = "register", _("register")
        POST = "post", _("start a thread")
        REPLY = "reply", _("reply")
        MESSAGE = "message", _("send a short message")
        SEARCH = "search", _("search")
        UPLOAD = "upload", _("upload a file")
        VOTE = "vote", _("vote or like")
        REPORT = "report", _("report a floor")

    class Scope(models.TextChoices):
        MEMBER = "member", _("per member")
        ADDRESS = "address", _("per address")

    group = models.ForeignKey(MemberGroup, on_delete=models.CASCADE, related_name="+", verbose_name=_("user group"))
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    scope = models.CharField(_("counted"), max_length=8, choices=Scope.choices, default=Scope.MEMBER)
    count = models.PositiveIntegerField(
        _("times"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("At most this many times per period; leave empty for no limit."))
    seconds = models.PositiveIntegerField(_("period (seconds)"), default=3600,
                                          validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("rate limit")
        verbose_name_plural = _("rate limits")
        ordering = ["group__order", "action", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["group", "action", "scope"], name="group_limit_once"),
            models.CheckConstraint(condition=models.Q(seconds__gte=1), name="group_limit_seconds"),
            models.CheckConstraint(condition=models.Q(count__isnull=True) | models.Q(count__gte=1),
                                   name="group_limit_count"),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.get_action_display()} · {self.get_scope_display()}"


class NewcomerRules(models.Model):
    """The rules for new members (one row): who counts as new, how much they may post a day, and how many
    posts they need before links and images."""

    hours = models.PositiveIntegerField(
        _("new for (hours)"), default=24,
        help_text=_("A member is new for this many hours after registering; 0: not by age."))
    groups = models.ManyToManyField(
        MemberGroup, blank=True, related_name="+", verbose_name=_("new-member groups"),
        help_text=_("Members of these groups are new members whatever their age."))
    threads_per_day = models.PositiveIntegerField(
        _("threads a day"), null=True, blank=True, default=3,
        help_text=_("How many threads a new member may start a day; leave empty for no cap."))
    replies_per_day = models.PositiveIntegerField(
        _("replies a day"), null=True, blank=True, default=20,
        help_text=_("How many replies a new member may post a day; leave empty for no cap."))
    links_after_posts = models.PositiveIntegerField(
        _("posts before links and images"), default=3,
        help_text=_("A new member may post links and images once they have this many posts; 0: at once."))

    class Meta:
        verbose_name = _("rules for new members")
        verbose_name_plural = _("rules for new members")

    def __str__(self) -> str:
        return str(_("Rules for new members"))


# --- Verification questions (验证问题), proof of work, the guests' check (luntan.protection.challenge) -------

DEFAULT_CRAWLERS = """Baiduspider baidu.com baidu.jp
Googlebot googlebot.com google.com
bingbot search.msn.com
Sogou sogou.com
360Spider 360.cn so.com
YisouSpider sm.cn
Bytespider bytedance.com"""


class VerificationQuestion(models.Model):
    """A question a visitor answers at registration or when posting; any one of its answers is accepted."""

    question = models.CharField(_("question"), max_length=200)
    answers = models.TextField(_("accepted answers"), help_text=_(
        "One answer a line. Answers are compared ignoring case, spaces, full-width forms and "
        "Traditional/Simplified differences."))
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("verification question")
        verbose_name_plural = _("verification questions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.question

    def answer_list(self) -> list[str]:
        return [line.strip() for line in self.answers.splitlines() if line.strip()]


class VerifySettings(models.Model):
    """Which check the site asks for, from whom, and the guests' reading limit: one row (pk 1)."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Verification question")
        POW = "pow", _("Proof of work (computed by the browser)")
        OFF = "off", _("Off")

    kind = models.CharField(_("check"), max_length=10, choices=Kind.choices, default=Kind.QUESTION)
    on_register = models.BooleanField(_("check at registration"), default=True)
    arithmetic = models.BooleanField(_("also ask arithmetic questions"), default=True, help_text=_(
        "Questions such as 3 加 8 等于几? are made on the fly, besides the questions listed."))
    show_answer = models.BooleanField(_("show the answer under the question"), default=False, help_text=_(
        "A mere bot filter: people read the answer. Arithmetic answers are never shown."))
    posts_below = models.PositiveIntegerField(_("members with fewer posts than this must answer"), default=5,
                                              help_text=_("When posting a thread or a reply. 0: never by posts."))
    # The ids of the member groups that always answer, "3,7" (a list rather than a many-to-many table, so
    # that the settings are one row, read in one query when the kept copy is rebuilt).
    always_groups = models.CharField(_("groups that always answer"), max_length=500, blank=True, default="")
    pow_bits = models.PositiveSmallIntegerField(
        _("proof of work difficulty (bits)"), default=16,
        validators=[MinValueValidator(8), MaxValueValidator(24)],
        help_text=_("Each bit doubles the browser's work: 16 takes about a second on a phone."))
    min_seconds = models.PositiveSmallIntegerField(
        _("minimum seconds to fill a form"), default=3, validators=[MaxValueValidator(60)],
        help_text=_("Registration, new threads and replies sent faster are refused. 0: no minimum."))
    guest_pages_per_hour = models.PositiveIntegerField(
        _("thread pages a guest may read an hour"), default=200,
        help_text=_("Per address; a guest who reads more gets a check page. 0: no limit."))
    guest_pass_hours = models.PositiveSmallIntegerField(
        _("hours a passed check lasts"), default=12, validators=[MinValueValidator(1), MaxValueValidator(24 * 7)])
    crawlers = models.TextField(
        _("search engine crawlers not limited"), blank=True, default=DEFAULT_CRAWLERS, help_text=_(
            "One a line: a name in the user agent, then the domains its addresses resolve to. A crawler is "
            "believed only when its address resolves to one of those domains and back (reverse DNS)."))

    class Meta:
        verbose_name = _("verification settings")
        verbose_name_plural = _("verification settings")

    def __str__(self) -> str:
        return str(_("verification settings"))

    def always_group_ids(self) -> list[int]:
        return [int(p) for p in self.always_groups.split(",") if p.strip().isdigit()]

# --- end of verification questions -------------------------------------------------------------------------


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
