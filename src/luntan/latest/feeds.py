"""Atom feeds of 最新帖子, 精华区 and each board. A feed is read by programs that sign in as nobody, so it
shows what a guest may read, whatever cookie comes with the request: boards a guest may see and read, their
LISTED threads, each with its opening post as cooked (sanitized at write time) HTML."""

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from luntan.forum.models import Board, Thread
from luntan.forum.queries import parse_id
from luntan.latest import queries
from luntan.markup.conditions import with_notices


class _ThreadFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, item: Thread) -> str:
        return f"[{item.thread_type.name}] {item.title}" if item.thread_type is not None else item.title

    def item_description(self, item: Thread) -> str:
        return with_notices(getattr(item, "opening_html", None) or "")  # no [hide]/[sell] part

    def item_link(self, item: Thread) -> str:
        return reverse("forum:thread", args=[item.pk])

    def item_author_name(self, item: Thread) -> str:
        return item.author.username

    def item_pubdate(self, item: Thread):
        return item.created_at

    def item_updateddate(self, item: Thread):
        return max(item.created_at, item.last_reply_at)

    def item_categories(self, item: Thread) -> list[str]:
        return [item.board.name]


class LatestFeed(_ThreadFeed):
    def title(self) -> str:
        return _("Latest posts")

    def subtitle(self) -> str:
        return _("The newest threads of every board.")

    def link(self) -> str:
        return reverse("latest:index")

    def items(self) -> list[Thread]:
        return queries.feed_latest()


class DigestFeed(_ThreadFeed):
    def title(self) -> str:
        return _("Digest area")

    def subtitle(self) -> str:
        return _("Threads the moderators marked as digest.")

    def link(self) -> str:
        return reverse("latest:digest")

    def items(self) -> list[Thread]:
        return queries.feed_digest()


class BoardFeed(_ThreadFeed):
    def get_object(self, request: HttpRequest, board_id: str) -> Board:
        # A board a guest may not read has no feed: the same 404 as a missing one.
        bid = parse_id(board_id)
        if bid not in queries.guest_readable_board_ids():
            raise Http404
        try:
            return Board.objects.get(pk=bid)
        except Board.DoesNotExist:
            raise Http404 from None

    def title(self, obj: Board) -> str:
        return obj.name

    def subtitle(self, obj: Board) -> str:
        return obj.description or _("The newest threads of %(board)s.") % {"board": obj.name}

    def link(self, obj: Board) -> str:
        return reverse("forum:board", args=[obj.pk])

    def items(self, obj: Board) -> list[Thread]:
        return queries.feed_board(obj)
