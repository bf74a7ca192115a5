"""The help centre's reads. The articles are a few dozen: every page reads them all in one query and builds
the tree, the breadcrumbs, the siblings and the search results from that list, so a page costs the same
whatever the tree holds."""

from dataclasses import dataclass, field

from django.http import Http404
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from luntan.core.text import clean_line
from luntan.help import placeholders
from luntan.help.models import Article
from luntan.search.text import fold, query_words

MAX_QUERY_CHARS = 50


@dataclass
class Node:
    article: Article
    children: list["Node"] = field(default_factory=list)


def all_articles() -> list[Article]:
    return list(Article.objects.order_by("order", "pk"))


def tree(articles: list[Article]) -> list[Node]:
    """The top-level nodes with their articles under them, in order. An article whose parent is missing (or
    a loop the database still holds) is shown at the top rather than lost."""
    nodes = {a.pk: Node(a) for a in articles}
    roots: list[Node] = []
    for a in articles:
        parent = nodes.get(a.parent_id) if a.parent_id else None
        if parent is None or _loops(a, nodes):
            roots.append(nodes[a.pk])
        else:
            parent.children.append(nodes[a.pk])
    return roots


def _loops(article: Article, nodes: dict[int, Node]) -> bool:
    seen = {article.pk}
    parent_id = article.parent_id
    while parent_id is not None and parent_id in nodes:
        if parent_id in seen:
            return True
        seen.add(parent_id)
        parent_id = nodes[parent_id].article.parent_id
    return False


@dataclass(frozen=True)
class Shown:
    article: Article
    crumbs: list[Article]  # from the top down to the article's parent
    siblings: list[Article]  # the articles beside it (itself included), in order
    children: list[Article]


def article_page(articles: list[Article], raw_id: int) -> Shown:
    """The article and its place in the tree, or 404 for an id that is not there."""
    by_id = {a.pk: a for a in articles}
    article = by_id.get(raw_id)
    if article is None:
        raise Http404(_("There is no such help article."))
    crumbs: list[Article] = []
    parent_id = article.parent_id
    while parent_id is not None and parent_id in by_id and by_id[parent_id] not in crumbs \
            and parent_id != article.pk:
        crumbs.insert(0, by_id[parent_id])
        parent_id = by_id[parent_id].parent_id
    siblings = [a for a in articles if a.parent_id == article.parent_id]
    children = [a for a in articles if a.parent_id == article.pk]
    return Shown(article=article, crumbs=crumbs, siblings=siblings, children=children)


@dataclass(frozen=True)
class Searched:
    query: str
    words: list[str]
    found: list[Article]
    error: str = ""


def search(articles: list[Article], raw: str | None) -> Searched | None:
    """The articles whose title and text hold every word of the query (folded: 简繁, width, case). None for
    no query; an error message for a query that cannot be searched."""
    query = clean_line(raw or "")
    if not query:
        return None
    if len(query) > MAX_QUERY_CHARS:
        return Searched(query=query, words=[], found=[], error=_(
            "The search is too long: at most %(n)s characters.") % {"n": MAX_QUERY_CHARS})
    words = list(dict.fromkeys(query_words(query)))
    if not words:
        return Searched(query=query, words=[], found=[], error=_("Type a word to search for."))
    found = [a for a in articles if all(w in _haystack(a) for w in words)]
    return Searched(query=query, words=words, found=found)


def _haystack(article: Article) -> str:
    return fold(article.title + "\n" + placeholders.strip(strip_tags(article.html)))
