"""The author card's link to the member's 博客, for members with public posts: read from the member row
(Member.blog_public_count, kept by the blog's services), so a page of cards costs no query more."""

from django.urls import reverse
from django.utils.translation import gettext as _


def blog_links(members: list) -> dict[int, list[tuple[str, str]]]:
    label = _("Blog")
    return {m.pk: [(reverse("blog:member", args=[m.pk]), label)] for m in members if m.blog_public_count > 0}
