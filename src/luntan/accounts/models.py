"""Members and their groups. The member's primary key is the UID shown on every author card."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luntan.accounts.names import (
    NAME_KEY_MAX,
    NAME_PINYIN_MAX,
    NAME_SKELETON_MAX,
    name_initials,
    name_key,
    name_pinyin,
    name_skeleton,
    normalize_username,
)

__all__ = ["Member", "MemberGroup", "name_key", "name_skeleton"]


class MemberGroup(models.Model):
    """级别: the group a member belongs to, shown on the author card. Later issues attach credit
    thresholds (levels) and permissions to groups."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("member level")
        SPECIAL = "special", _("special group")
        SYSTEM = "system", _("system group")

    class Role(models.TextChoices):
        """The standard groups, by what they are for. Code finds a group by its role, never by its name,
        which is site data that administrators rename."""
        ADMIN = "admin", _("administrators")
        SUPER_MODERATOR = "super_moderator", _("super moderators")
        MODERATOR = "moderator", _("moderators")
        SILENCED = "silenced", _("silenced members")
        GUEST = "guest", _("guests")
        NEWCOMER = "newcomer", _("newcomers")
        REGISTERED = "registered", _("registered members")
        INTERMEDIATE = "intermediate", _("intermediate members")
        SENIOR = "senior", _("senior members")
        GOLD = "gold", _("gold members")
        VETERAN = "veteran", _("veterans")

    name = models.CharField(_("name"), max_length=30, unique=True)
    # Empty for groups an administrator adds; set once by the migrations for the standard ones.
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True, default="",
                            editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MEMBER)
    # Colour of the name on cards and lists (admins red, moderators green ... as members know it).
    color = models.CharField(_("colour"), max_length=7, blank=True, default="")
    is_default = models.BooleanField(_("default for new members"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    # A member level (kind MEMBER) holds the members whose total credits reach `credits_from`, up to the
    # next level's; special and system groups never move by credits (luntan.accounts.levels).
    credits_from = models.BigIntegerField(_("level from total credits"), null=True, blank=True)
    stars = models.PositiveSmallIntegerField(_("stars"), default=0)
    # What the group may do; read through luntan.accounts.groups.rules_for, nowhere else.
    can_post = models.BooleanField(_("may post"), default=True)
    daily_mood_votes = models.PositiveSmallIntegerField(_("mood votes a day"), default=20)
    max_signature_chars = models.PositiveIntegerField(_("signature length"), default=200)
    max_attachment_kb = models.PositiveIntegerField(_("attachment size (KB)"), default=2048)
    # File name extensions of attachments (pictures are allowed by allow_images), separated by commas.
    attachment_types = models.CharField(_("attachment types"), max_length=200, blank=True,
                                        default="zip,rar,7z,gz,pdf,txt,doc,docx,xls,xlsx,ppt,pptx,mp3,mp4",
                                        help_text=_("File name extensions, separated by commas, e.g. zip,pdf,txt."))
    allow_links = models.BooleanField(_("links allowed in posts"), default=True)
    allow_images = models.BooleanField(_("images allowed in posts"), default=True)
    allow_transfer = models.BooleanField(_("may transfer credits"), default=True)
    wheel_spins_per_day = models.PositiveSmallIntegerField(_("lucky wheel spins a day"), default=3)
    # @name mentions one post may hold (luntan.notices): more is refused with a message.
    max_mentions = models.PositiveSmallIntegerField(_("mentions a post"), default=10)
    # 主题最高售价: the highest price (in the trade currency) a member may set on a thread; 0: may not sell.
    max_thread_price = models.PositiveIntegerField(_("highest thread price"), default=0,
                                                   help_text=_("0: members of this group may not sell threads."))

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("member group")
        verbose_name_plural = _("member groups")
        constraints = [
            models.UniqueConstraint(fields=["role"], condition=~Q(role=""), name="membergroup_role_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def for_role(cls, role: "MemberGroup.Role") -> "MemberGroup | None":
        return cls.objects.filter(role=role).first()


class MemberManager(DjangoUserManager["Member"]):
    def get_by_natural_key(self, username: str | None) -> "Member":
        return self.get(name_key=name_key(username or ""))

    @staticmethod
    def _checked_name(username) -> str:
        # create_user and create_superuser (so `luntan createsuperuser` too, which shows the message) apply
        # the same name rules as registration. Imported here: services imports this module.
        from luntan.accounts.services import check_username

        return check_username(username)

    def create_user(self, username, email=None, password=None, **extra_fields):
        if "group" not in extra_fields and "group_id" not in extra_fields:
            extra_fields["group"] = MemberGroup.objects.filter(is_default=True).first()
        return super().create_user(self._checked_name(username), email, password, **extra_fields)

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        if "group" not in extra_fields and "group_id" not in extra_fields:
            extra_fields["group"] = MemberGroup.for_role(MemberGroup.Role.ADMIN)
        return super().create_superuser(self._checked_name(username), email, password, **extra_fields)


NAME_KEY_FIELDS = ("name_key", "name_skeleton", "name_pinyin", "name_initials")


class Member(AbstractBaseUser, PermissionsMixin):
    username = models.CharField(
        _("username"), max_length=settings.LUNTAN["USERNAME_MAX_CHARS"],  # read at import, like a migration
        help_text=_("%(min)s to %(max)s characters; Chinese is welcome.") % {
            "min": settings.LUNTAN["USERNAME_MIN_CHARS"], "max": settings.LUNTAN["USERNAME_MAX_CHARS"]},
    )
    # Derived from the username by save() (see names.py): the same name, and a look-alike name.
    name_key = models.CharField(max_length=NAME_KEY_MAX, unique=True, editable=False)
    name_skeleton = models.CharField(max_length=NAME_SKELETON_MAX, db_index=True, editable=False)
    # The name in pinyin, whole and by initials (乔吉奎: qiaojikui, qjk), for the member list's search.
    name_pinyin = models.CharField(max_length=NAME_PINYIN_MAX, db_index=True, editable=False, default="")
    name_initials = models.CharField(max_length=NAME_PINYIN_MAX, db_index=True, editable=False, default="")
    email = models.EmailField(_("e-mail"), blank=True)
    group = models.ForeignKey(
        MemberGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="members",
        verbose_name=_("group"),
    )
    custom_title = models.CharField(_("custom title"), max_length=30, blank=True)
    signature = models.TextField(_("signature"), max_length=settings.LUNTAN["MAX_SIGNATURE_CHARS"], blank=True)
    # The avatar's version and format, "<16 hex digits>.webp" (luntan.accounts.avatars), or "" for the letter
    # tile: enough to name its three files, so a card needs no query of its own for it.
    avatar = models.CharField(_("avatar"), max_length=100, blank=True, editable=False)
    # The signature as members type it (source above, its markup here) and cooked by luntan.markup: written
    # only by accounts.services.member_signature_set, shown under the member's floors (accounts.signatures).
    signature_format = models.CharField(max_length=10, default="bbcode", editable=False)
    signature_html = models.TextField(blank=True, default="", editable=False)
    # A reader's choice (Discuz!'s 显示签名): other members' signatures are left out of the thread pages they read.
    hide_signatures = models.BooleanField(_("hide signatures"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    last_activity = models.DateTimeField(_("last activity"), null=True, blank=True)
    online_seconds = models.PositiveBigIntegerField(_("online time (seconds)"), default=0)
    # Denormalized counters, changed in the same transaction as the write that changes them.
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    thread_count = models.PositiveIntegerField(_("threads"), default=0)
    digest_count = models.PositiveIntegerField(_("digest threads"), default=0)
    # The level formula's result (luntan.accounts.levels), kept for the member list and the rankings.
    credit_total = models.BigIntegerField(_("total credits"), default=0)
    # Changes with every change of the member's credits, medals or level: the member's own card is keyed
    # by it, so one sees one's new balance at once (the session loads the member row anyway).
    card_stamp = models.PositiveBigIntegerField(default=0, editable=False)
    # Notices not yet read (luntan.notices), for the user box: the session loads this row anyway, so the
    # count costs no query. Changed with the notices in one transaction; notices_recount rebuilds it.
    unread_notices = models.PositiveIntegerField(_("unread notices"), default=0, editable=False)
    # Conversations (短消息, luntan.letters) with a message not yet read, for the user box, kept as
    # unread_notices is: changed with the messages in one transaction; letters_recount rebuilds it.
    unread_messages = models.PositiveIntegerField(_("unread conversations"), default=0, editable=False)
    # Threads the member follows (luntan.notices), so that the thread page's follow button costs no query for
    # the many who follow none. Changed with the follows in one transaction; a deleted thread may leave it high.
    thread_follows = models.PositiveIntegerField(default=0, editable=False)
    # Public posts in the member's 博客 (luntan.blog), for the link on the author card; changed with the posts
    # in one transaction, rebuilt by blog.services.blog_counts_recount.
    blog_public_count = models.PositiveIntegerField(_("public blog posts"), default=0, editable=False)
    # The local day of the member's last rewarded first visit (luntan.credits.middleware).
    visit_day = models.DateField(null=True, blank=True, editable=False)
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

    @classmethod
    def normalize_username(cls, username: str) -> str:
        # Django's default is NFKC, which would store "ﷺ" spelled out; names keep the form members see.
        return normalize_username(username)

    def set_name_keys(self) -> None:
        """Fills what save() derives from the username; for bulk_create, which skips save()."""
        self.name_key = name_key(self.username)
        self.name_skeleton = name_skeleton(self.username)
        self.name_pinyin = name_pinyin(self.username)
        self.name_initials = name_initials(self.username)

    def save(self, *args, **kwargs):
        self.set_name_keys()
        if kwargs.get("update_fields") is not None and "username" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], *NAME_KEY_FIELDS}
        super().save(*args, **kwargs)

    def avatar_url(self, px: int) -> str:
        """The address of this member's avatar `px` pixels square (one of accounts.avatars.SIZES); ""
        without one."""
        from luntan.accounts import avatars

        return avatars.url(self.pk, self.avatar, px)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("accounts:profile", args=[self.pk])
