"""签名: a member's signature, cooked by luntan.markup like a post, shown under each of their floors.

Checks (what a group may put in one) are here, the write is accounts.services.member_signature_set, and the
read is `signatures_html`: the signatures of a page's authors, for pages that are kept whole (the thread page).
A change of any signature bumps SCOPE, which is part of the kept thread pages' version, so no reader is served
a page with the old signature; the page then reads the new ones in one query for all its authors (the others
are kept in process memory under the same version)."""

from collections.abc import Callable
from html.parser import HTMLParser
from typing import cast

import jinja2
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import engines
from django.template.backends.jinja2 import Jinja2
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from markupsafe import Markup

from luntan.accounts.groups import rules_for
from luntan.accounts.models import Member
from luntan.core import localcache, pagecache
from luntan.markup.cooking import FORMATS

SCOPE = "signatures"  # bumped by every change of a signature, and of the groups' rules (who may show one)
CHANGES_PER_HOUR = (10, 60 * 60)  # each change renews every kept thread page


def max_chars(member) -> int:
    """How long this member's signature may be; 0: their group may not have one."""
    return max(0, min(rules_for(member).max_signature_chars, settings.LUNTAN["MAX_SIGNATURE_CHARS"]))


def shown(member) -> bool:
    """Whether the member's signature (if any) shows under their floors: an active member whose group may
    have one. A signature kept from a group that allowed it is not shown while the group does not."""
    return bool(member.is_active and max_chars(member) > 0)


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValidationError(_("Unknown text format."), code="format")
    return fmt


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "img" or (tag == "a" and any(name == "href" for name, _v in attrs)):
            self.found.add(tag)


def check_links_and_images(member, html: str) -> None:
    """A cooked signature holds links and images only if the member's group may post them (links include the
    addresses Markdown turns into links by itself)."""
    rules = rules_for(member)
    tags = _Tags()
    tags.feed(html)
    tags.close()
    if "img" in tags.found and not rules.allow_images:
        raise ValidationError(_("Your user group may not show images in a signature; please remove them."),
                              code="signature_images")
    if "a" in tags.found and not rules.allow_links:
        raise ValidationError(_("Your user group may not put links in a signature; please remove them."),
                              code="signature_links")


def _template() -> jinja2.Template:
    return cast(Jinja2, engines["jinja2"]).env.get_template("accounts/_signature.html")


def _keys(author_ids) -> dict[int, str]:
    language = get_language()
    version = pagecache.table_versions(SCOPE, "groups")
    return {uid: f"sig:{language}:{version}:{uid}" for uid in author_ids}


def _keep(key: str, member, template: jinja2.Template) -> Markup:
    html = ""
    if member is not None and member.signature_html and shown(member):
        # The templates autoescape; the only raw HTML here is the signature cooked by luntan.markup.
        html = template.render(html=Markup(member.signature_html))  # noqa: S704
    found = Markup(html)  # noqa: S704 - rendered above
    localcache.fragments.set(key, found, len(html) * 2 + 64)
    return found


def keeper(author_ids) -> Callable[[list], None]:
    """For a page that loads some members anyway (the author cards' query, with signature_html): call this
    before the query, and the function it returns with the members loaded; their signatures are then kept,
    and `signatures_html` needs no query of its own. (The version is read before the rows, so a change
    committed in between is never kept under the new version.)"""
    keys = _keys(author_ids)

    def keep(members: list) -> None:
        template = None
        for m in members:
            if m.pk in keys and "signature_html" in m.__dict__ and localcache.fragments.get(keys[m.pk]) is None:
                template = template or _template()
                _keep(keys[m.pk], m, template)

    return keep


def signatures_html(author_ids: set[int]) -> dict[int, Markup]:
    """{member pk: the signature block under their floors} for the authors whose signature is shown (the
    others are left out). Kept in process memory under the version of SCOPE and of the groups: the authors
    not kept yet are read in one query, whatever their number."""
    if not author_ids:
        return {}
    keys = _keys(author_ids)
    found: dict[int, Markup | None] = {uid: localcache.fragments.get(key) for uid, key in keys.items()}
    missing = [uid for uid, html in found.items() if html is None]
    if missing:
        template = _template()
        rows = {m.pk: m for m in Member.objects.filter(pk__in=missing).only(
            "pk", "group_id", "is_active", "signature_html")}
        for uid in missing:
            found[uid] = _keep(keys[uid], rows.get(uid), template)
    return {uid: html for uid, html in found.items() if html}
