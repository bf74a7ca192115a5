from django.apps import AppConfig
from django.utils.translation import gettext_lazy


def unread_count(member) -> int:
    """The user box's number: read from the member's own row, which the session has loaded anyway."""
    return getattr(member, "unread_notices", 0)


def follow_filler(request, thread, moderator):
    """The thread page's follow button (a hole in the kept page): the reader's own state, from the cache."""
    from django.utils.translation import get_language

    from luntan.core.holes import kept_form
    from luntan.notices.services import followed_ids

    def fill(req, args) -> str:
        # Most members follow no thread: their row (loaded anyway) says so, and no query is made.
        following = bool(getattr(req.user, "thread_follows", 1)) and thread.pk in followed_ids(req.user.pk, "thread")
        return kept_form(req, f"follow:{get_language()}:{thread.pk}:{int(following)}", "notices/_follow_button.html",
                         {"thread_id": thread.pk, "following": following})

    return fill


def profile_follow_link(viewer, member) -> list[tuple[str, str]]:
    from django.urls import reverse

    from luntan.notices.services import followed_ids

    if not getattr(viewer, "is_authenticated", False) or viewer.pk == member.pk:
        return []
    following = member.pk in followed_ids(viewer.pk, "member")
    label = gettext_lazy("Unfollow") if following else gettext_lazy("Follow")
    return [(reverse("notices:follow_member", args=[member.pk]), str(label))]


class NoticesConfig(AppConfig):
    name = "luntan.notices"
    label = "notices"

    def ready(self) -> None:
        from luntan.core.menu import register_member_menu, register_profile_link
        from luntan.forum.extensions import register_thread_filler, register_thread_part

        register_member_menu(order=5, url_name="notices:index", label=gettext_lazy("Notices"), count=unread_count)
        register_thread_part("head", "notices/_follow_part.html")
        register_thread_filler("follow", follow_filler)
        register_profile_link(profile_follow_link)
