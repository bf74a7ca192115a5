"""Categories, boards, threads and their floors."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Read once, at import: a site that changes the limit migrates the columns.
MAX_TITLE_CHARS = settings.LUNTAN["MAX_TITLE_CHARS"]


class Category(models.Model):
    name = models.CharField(_("name"), max_length=50)
    description = models.CharField(_("description"), max_length=255, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Board(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="boards",
                                 verbose_name=_("category"))
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name=_("parent board"))
    name = models.CharField(_("name"), max_length=50)
    description = models.CharField(_("description"), max_length=255, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    moderators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="moderated_boards",
                                        verbose_name=_("moderators"))
    # Denormalized counters and the last post, changed in the transaction of the write itself.
    thread_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    today_posts = models.PositiveIntegerField(default=0)
    yesterday_posts = models.PositiveIntegerField(default=0)
    today_date = models.DateField(null=True, blank=True)
    last_thread = models.ForeignKey("Thread", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    last_thread_title = models.CharField(max_length=MAX_TITLE_CHARS, blank=True)
    last_post_at = models.DateTimeField(null=True, blank=True)
    last_poster_name = models.CharField(max_length=30, blank=True)
    # Thread types (分类): whether a new thread must choose one.
    types_required = models.BooleanField(_("thread type required"), default=False)
    # 内容防复制 (luntan.protection): visitors get hidden noise at the line breaks of post bodies and an
    # invisible mark of who read them when. Off by default.
    protect_content = models.BooleanField(
        _("content protection"), default=False,
        help_text=_("Readers other than the author and the moderators get hidden noise at line breaks (which "
                    "copying leaves out) and an invisible mark naming them, which `luntan protect trace` reads."))

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("board")
        verbose_name_plural = _("boards")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("forum:board", args=[self.pk])

    # The moderators' UIDs and names come from one map kept in the cache (luntan.forum.moderators), so
    # "may this member moderate here?" needs no query on a thread page and listing boards stays one query.
    @property
    def moderator_id_set(self) -> frozenset[int]:
        from luntan.forum.moderators import moderators_of

        return moderators_of(self.pk)[0]

    @property
    def moderator_names(self) -> str:
        from luntan.forum.moderators import moderators_of

        return ", ".join(moderators_of(self.pk)[1])

    def posts_on(self, day) -> int:
        """Today's posts as of `day`: the counter only counts for the day it was last written."""
        return self.today_posts if self.today_date == day else 0


class BoardAccess(models.Model):
    """What one group may do on one board. A board without a row for a group lets it see, read, post
    threads and reply, unchecked; read only through luntan.forum.permissions."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="access_rules", verbose_name=_("board"))
    group = models.ForeignKey("accounts.MemberGroup", on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("member group"))
    can_see = models.BooleanField(_("may see the board"), default=True)
    can_read = models.BooleanField(_("may read threads"), default=True)
    can_post = models.BooleanField(_("may post threads"), default=True)
    can_reply = models.BooleanField(_("may reply"), default=True)
    needs_approval = models.BooleanField(_("new posts wait for approval"), default=False)

    class Meta:
        verbose_name = _("board permission")
        verbose_name_plural = _("board permissions")
        constraints = [models.UniqueConstraint(fields=["board", "group"], name="boardaccess_once")]

    def __str__(self) -> str:
        return f"{self.board_id}/{self.group_id}"


class ThreadType(models.Model):
    """分类: a board's kinds of thread, shown as a [prefix] before the title and filterable."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="thread_types", verbose_name=_("board"))
    name = models.CharField(_("name"), max_length=20)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("thread type")
        verbose_name_plural = _("thread types")
        constraints = [models.UniqueConstraint(fields=["board", "name"], name="threadtype_name_once")]

    def __str__(self) -> str:
        return self.name


# A thread any reader of its board may see: not deleted, closed, waiting for approval, nor a 已移动 stub.
LISTED = Q(is_deleted=False, is_closed=False, is_waiting=False, moved_to__isnull=True)


class Thread(models.Model):
    class Highlight(models.TextChoices):
        NONE = "", _("none")
        RED = "red", _("red")
        ORANGE = "orange", _("orange")
        GREEN = "green", _("green")
        BLUE = "blue", _("blue")
        PURPLE = "purple", _("purple")

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="threads", verbose_name=_("board"))
    title = models.CharField(_("title"), max_length=MAX_TITLE_CHARS)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threads",
                               verbose_name=_("author"))
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    last_reply_at = models.DateTimeField(_("last reply"), default=timezone.now)
    last_replier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+")
    last_replier_name = models.CharField(max_length=30, blank=True)
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    # The highest floor number handed out; floors are never removed, so it is also the floor count.
    last_floor = models.PositiveIntegerField(default=0)
    # When a 提升卡 last moved the thread to the top of its board: its last reply time is then the later
    # of this and its last floor's (luntan recount keeps bumps).
    bumped_at = models.DateTimeField(null=True, blank=True, editable=False)
    sticky = models.PositiveSmallIntegerField(_("sticky"), default=0)
    digest = models.PositiveSmallIntegerField(_("digest level"), default=0, choices=[(i, str(i)) for i in range(4)])
    is_locked = models.BooleanField(_("locked"), default=False)
    highlight = models.CharField(_("highlight"), max_length=10, blank=True, choices=Highlight.choices)
    is_deleted = models.BooleanField(_("deleted"), default=False)
    # Thread life (#7). Sticky: 1 this board, 2 its category, 3 the whole site; until a time, or for ever.
    sticky_until = models.DateTimeField(_("sticky until"), null=True, blank=True)
    highlight_bold = models.BooleanField(_("bold title"), default=False)
    # Closed: hidden from members (moderators still see it); locked only stops replies and author edits.
    is_closed = models.BooleanField(_("closed"), default=False)
    # Waiting for a moderator's approval (boards whose new posts are checked first): seen by its author
    # and the board's moderators only, and in no count until approved.
    is_waiting = models.BooleanField(_("waiting for approval"), default=False)
    thread_type = models.ForeignKey("ThreadType", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="threads", verbose_name=_("thread type"))
    # A 已移动 stub left in the old board points to the moved thread.
    moved_to = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="stubs",
                                 verbose_name=_("moved to"))
    # A reply stuck to the top of its thread (置顶回复), by floor number.
    pinned_floor = models.PositiveIntegerField(_("stuck reply"), null=True, blank=True)
    # Denormalized reactions, written in the transaction of the vote or like itself.
    mood_count = models.PositiveIntegerField(_("mood votes"), default=0)
    like_count = models.PositiveIntegerField(_("likes"), default=0)
    # 主题售价: what reading the opening post costs in the trade currency (0: free). The post is then sold whole
    # (luntan.hidden keeps it as one paid part); set by its author when posting or editing floor 1.
    price = models.PositiveIntegerField(_("price"), default=0)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [
            models.Index(fields=["board", "is_deleted", "-sticky", "-last_reply_at"], name="thread_board_list"),
            models.Index(fields=["board", "is_deleted", "-created_at"], name="thread_board_created"),
            models.Index(fields=["author", "-created_at"], name="thread_author_recent"),
            # 最新帖子 and 精华区 (luntan.latest): only threads every reader of a board may see are listed.
            models.Index(fields=["-created_at"], condition=LISTED, name="thread_listed_created"),
            models.Index(fields=["-last_reply_at"], condition=LISTED & Q(reply_count__gt=0),
                         name="thread_listed_replied"),
            models.Index(fields=["-created_at"], condition=LISTED & Q(reply_count=0), name="thread_listed_sofa"),
            models.Index(fields=["-created_at"], condition=LISTED & Q(digest__gt=0), name="thread_listed_digest"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(digest__gte=0) & Q(digest__lte=3), name="thread_digest_0_3"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("forum:thread", args=[self.pk])


class Floor(models.Model):
    """One post of a thread. Floor 1 is the thread's opening post (楼主)."""

    class Format(models.TextChoices):
        MARKDOWN = "markdown", "Markdown"
        BBCODE = "bbcode", "BBCode"

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="floors")
    number = models.PositiveIntegerField(_("floor"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="floors")
    source = models.TextField(_("text"))
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.BBCODE)
    # Cooked once at write time by luntan.markup; the only HTML a page shows unescaped.
    html = models.TextField(editable=False)
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    edited_by_name = models.CharField(max_length=30, blank=True)
    author_ip = models.GenericIPAddressField(null=True, blank=True)
    is_deleted = models.BooleanField(_("deleted"), default=False)
    # A reply waiting for a moderator's approval: shown to its author and the board's moderators only.
    is_waiting = models.BooleanField(_("waiting for approval"), default=False)
    like_count = models.PositiveIntegerField(_("likes"), default=0)
    # A placeholder left where a floor was split off into another thread (拆分主题): deleted, so out of every
    # count, keeping the numbers without a gap; it links to the floor that moved, wherever that is now.
    moved_floor = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    editable=False)

    class Meta:
        verbose_name = _("floor")
        verbose_name_plural = _("floors")
        constraints = [models.UniqueConstraint(fields=["thread", "number"], name="floor_number_unique")]
        indexes = [
            models.Index(fields=["thread", "author", "number"], name="floor_thread_author"),
            models.Index(fields=["author", "-created_at"], name="floor_author_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.thread_id}#{self.number}"


class FloorRevision(models.Model):
    """The text a floor had before an edit: the edit history is kept."""

    floor = models.ForeignKey(Floor, on_delete=models.CASCADE, related_name="revisions")
    source = models.TextField()
    format = models.CharField(max_length=10, choices=Floor.Format.choices)
    title = models.CharField(max_length=MAX_TITLE_CHARS, blank=True)
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")

    class Meta:
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"{self.floor_id}@{self.replaced_at:%Y-%m-%d %H:%M}"


class Submission(models.Model):
    """A form's hidden submission key, stored once per member: a double click or a retried request
    replays the first result instead of posting twice."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    floor = models.ForeignKey(Floor, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "key"], name="submission_once")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.key}"
