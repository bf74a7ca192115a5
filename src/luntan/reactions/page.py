"""The reactions on the thread page, added through the forum's extension points (luntan.forum.extensions):

- the mood block is a part below the floors, kept with the page. Its results are the same for every
  reader and are rendered into it; a guest's page shows them with a link to sign in. For a signed-in
  reader the block is a hole whose arguments carry the results (luntan.reactions.queries.MoodResults.args),
  filled per request with the reader's own state: their mood, the vote buttons, whether they see the bars;
- each floor's 赞 button is a link in the floor's footer (signed-in readers only), showing whether this
  reader liked it. Its form's token sits in the mood block (buttons name the form by id).

Both read the reader's state with one query per request (none for a thread without reactions)."""

from typing import cast

from django.template import engines
from django.template.backends.jinja2 import Jinja2
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from luntan.core.holes import kept_form
from luntan.core.jinja import id_url
from luntan.core.pagecache import versions
from luntan.forum import extensions
from luntan.reactions import config, queries, services

PART = "reactions/_moods_part.html"
BOX = "reactions/_mood_box.html"
LIKE_FORM = "floor-like-form"


def box_context(member, thread, results: queries.MoodResults, state: queries.ReaderState, *,
                message: str = "") -> dict:
    """What the reader's mood box shows: the buttons for whoever may vote, the bars after voting and for
    the thread's author."""
    is_author = thread.author_id == member.pk
    refusal = None
    if not is_author:
        try:
            services.check_mood_vote(member, thread, reading=True)
        except services.PermissionDenied as error:
            refusal = str(error)
    return {"thread_id": thread.pk, "results": results, "mine": state.mood_id, "is_author": is_author,
            "can_vote": not is_author and refusal is None, "refusal": refusal,
            "show_bars": is_author or state.mood_id is not None, "message": message}


def mood_filler(request, thread, moderator: bool):
    member = request.user
    if not member.is_authenticated:
        return None

    def fill(req, args: list[str]) -> str:
        results = queries.results_from_args(args)
        context = box_context(member, thread, results, queries.reader_state(member, thread))
        # Kept per everything the box reads: the moods' version, the results, the reader's mood and role.
        key = (f"moodbox:{get_language()}:{versions(config.SCOPE)}:{thread.pk}:{','.join(args)}:{context['mine']}:"
               f"{int(context['is_author'])}:{context['refusal']}")
        return kept_form(req, key, BOX, context)

    return fill


def like_link(viewer, thread, moderator: bool = False):
    """The 赞 button under each floor of someone else's; pressed when this reader has liked it."""
    like, unlike = escape(_("Like")), escape(_("Take back my like"))
    like_url = id_url("reactions:like")

    viewer_pk = viewer.pk
    liked_ids: list[frozenset[int]] = []  # read once per page, on the first floor that has a button
    # The two buttons with a spot for the floor's address, made once per page: twenty floors each put theirs in.
    buttons = {liked: (f'<button type="submit" form="{LIKE_FORM}" formaction="\0" name="do" '
                       f'value="{"unlike" if liked else "like"}" class="like-button{" liked" if liked else ""}" '
                       f'aria-pressed="{"true" if liked else "false"}" title="{unlike if liked else like}">'
                       f'<span aria-hidden="true">👍</span> {like}</button>').split("\0")
               for liked in (False, True)}

    def link(floor_id: int, author_id: int, number: int) -> str:
        if author_id == viewer_pk:
            return ""
        if not liked_ids:
            liked_ids.append(queries.reader_state(viewer, thread).liked)
        head, tail = buttons[floor_id in liked_ids[0]]
        return head + like_url(floor_id) + tail

    return link


def register() -> None:
    extensions.register_thread_part("below_floors", PART)
    extensions.register_thread_filler("moods", mood_filler)
    extensions.register_floor_link(40, like_link)
    env = cast(Jinja2, engines["jinja2"]).env
    env.globals["mood_results"] = queries.thread_results
