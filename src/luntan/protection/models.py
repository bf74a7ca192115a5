"""Protection's own rows. Each part of the protection app keeps its models in a block of its own."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

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
