"""签名: a member's signature, cooked like a post, limited by their group, screened for watched words, shown
once under each of their floors on the (kept) thread page, fresh after a change, at no query per floor."""

from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from factories import MemberFactory, group_for
from helpers import bump_at_once, signed_in

from luntan.accounts import services as accounts
from luntan.accounts.models import Member, MemberGroup
from luntan.blog import services as blog
from luntan.forum import services as forum
from luntan.protection import words
from luntan.protection.models import WatchedWord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _bumps_at_once(monkeypatch):
    bump_at_once(monkeypatch)


@pytest.fixture
def senior(db):
    """A veteran (a member level) whose group may post links and images in a signature of up to 200 characters."""
    return MemberFactory(group=group_for(MemberGroup.Role.VETERAN))


class _Floors(HTMLParser):
    """Per floor (article.floor with an id), the signature blocks in it (their tags, attributes, links and
    text), and the other links of the floor (its card's)."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                      "track", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.floors: dict[str, list[dict]] = {}
        self.cards: dict[str, list[str]] = {}
        self.depth = 0
        self.floor: str | None = None
        self.floor_depth = 0
        self.sig_depth = 0

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        if tag not in self.VOID:
            self.depth += 1
        classes = (a.get("class") or "").split()
        if tag == "article" and "floor" in classes and (a.get("id") or "").startswith("floor-"):
            self.floor, self.floor_depth = a["id"], self.depth
            self.floors[self.floor], self.cards[self.floor] = [], []
        elif self.floor and not self.sig_depth and tag == "div" and "signature" in classes:
            self.floors[self.floor].append({"tags": [], "text": "", "links": [], "attributes": set()})
            self.sig_depth = self.depth
        elif self.floor and self.sig_depth:
            found = self.floors[self.floor][-1]
            found["tags"].append(tag)
            found["attributes"].update(name for name, _v in attrs)
            if tag == "a":
                found["links"].append(a.get("href"))
        elif self.floor and tag == "a" and a.get("href"):
            self.cards[self.floor].append(a["href"])

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag) -> None:
        if tag in self.VOID:
            return
        if self.sig_depth and self.depth == self.sig_depth:
            self.sig_depth = 0
        if self.floor and self.depth == self.floor_depth:
            self.floor = None
        self.depth -= 1

    def handle_data(self, data) -> None:
        if self.floor and self.sig_depth:
            self.floors[self.floor][-1]["text"] += data


def floors_of(html: str) -> _Floors:
    parser = _Floors()
    parser.feed(html)
    return parser


def signatures_on(client: Client, thread_id: int) -> dict[str, list[dict]]:
    response = client.get(f"/thread/{thread_id}/")
    assert response.status_code == 200
    return floors_of(response.content.decode()).floors


# --- Shown under floors ----------------------------------------------------------------------------------------

def test_the_signature_shows_once_under_each_floor_of_its_author_and_nowhere_else(member, other_member, thread):
    accounts.member_signature_set(member=member, signature="[b]一碗小面[/b]，一天的开始。", fmt="bbcode")
    forum.post_reply(author=other_member, thread=thread, source="路过", fmt="bbcode")
    forum.post_reply(author=member, thread=thread, source="再顶", fmt="bbcode")
    floors = signatures_on(Client(), thread.pk)
    assert [len(floors[f"floor-{n}"]) for n in (1, 2, 3)] == [1, 0, 1]
    for n in (1, 3):
        (sig,) = floors[f"floor-{n}"]
        assert sig["text"].strip().endswith("一碗小面，一天的开始。") and "strong" in sig["tags"]


def test_markdown_signatures_are_cooked_too(member, thread):
    accounts.member_signature_set(member=member, signature="*慢慢来*，比较快", fmt="markdown")
    member.refresh_from_db()
    assert member.signature == "*慢慢来*，比较快" and member.signature_format == "markdown"
    assert "<em>慢慢来</em>" in member.signature_html
    (sig,) = signatures_on(Client(), thread.pk)["floor-1"]
    assert "em" in sig["tags"] and "*" not in sig["text"]


def test_a_deleted_floor_shows_no_signature(member, other_member, moderator, thread):
    accounts.member_signature_set(member=member, signature="签名在此")
    floor = forum.post_reply(author=member, thread=thread, source="要删的", fmt="bbcode")
    forum.floor_delete(member=moderator, floor=floor, reason="重复")
    floors = signatures_on(Client(), thread.pk)
    assert len(floors["floor-1"]) == 1 and floors["floor-2"] == []


def test_a_changed_signature_shows_at_once_on_the_kept_page(member, other_member, thread, member_client):
    accounts.member_signature_set(member=member, signature="旧的签名")
    readers = [Client(), signed_in(other_member), member_client]
    for reader in readers:  # kept now, for each kind of reader
        assert "旧的签名" in signatures_on(reader, thread.pk)["floor-1"][0]["text"]
    accounts.member_signature_set(member=member, signature="新的签名")
    for reader in readers:
        (sig,) = signatures_on(reader, thread.pk)["floor-1"]
        assert "新的签名" in sig["text"] and "旧的签名" not in sig["text"]
    accounts.member_signature_set(member=member, signature="")
    for reader in readers:
        assert signatures_on(reader, thread.pk)["floor-1"] == []


def test_the_thread_page_reads_signatures_without_a_query_per_floor(make_thread, member, django_assert_max_num_queries):
    from helpers import page_queries

    authors = MemberFactory.create_batch(8)
    small, big = make_thread(), make_thread(title="很多人签名的帖子")
    for i, author in enumerate([member, *authors]):
        accounts.member_signature_set(member=author, signature=f"第{i}位的签名 [b]加粗[/b]")
        blog.blog_post_create(author=author, title=f"日志{i}", source="公开的日志", fmt="bbcode", visibility="public")
    for i, author in enumerate(authors * 2):
        forum.post_reply(author=author, thread=big, source=f"第{i}楼", fmt="bbcode")
    client = Client()
    cold = page_queries(client, f"/thread/{small.pk}/", cold=True)
    with django_assert_max_num_queries(cold):
        page_queries(client, f"/thread/{big.pk}/", cold=True)
    floors = signatures_on(client, big.pk)
    assert len(floors) == 17 and all(len(sigs) == 1 for sigs in floors.values())
    # After a change of one signature, the pages are rendered again with the cards kept: the signatures are
    # read by themselves, in one query for all the page's authors.
    accounts.member_signature_set(member=authors[0], signature="改过的签名")
    small_again = page_queries(client, f"/thread/{small.pk}/", cold=False)
    with django_assert_max_num_queries(small_again):
        assert client.get(f"/thread/{big.pk}/").status_code == 200
    assert "改过的签名" in client.get(f"/thread/{big.pk}/").content.decode()


# --- What a group allows ---------------------------------------------------------------------------------------

def _set_group(group_role, admin, **changes) -> MemberGroup:
    group = group_for(group_role)
    for name, value in changes.items():
        setattr(group, name, value)
    return accounts.member_group_save(by=admin, group=group)


def test_a_signature_over_the_group_limit_is_refused_with_the_input_kept(member, member_client, admin):
    _set_group(MemberGroup.Role.NEWCOMER, admin, max_signature_chars=10)
    text = "一二三四五六七八九十一"  # 11
    response = member_client.post("/settings/signature/", {"signature": text, "format": "bbcode"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "11" in page and "10" in page and f">{text}</textarea>" in page
    member.refresh_from_db()
    assert member.signature == "" and member.signature_html == ""


def test_a_signature_within_the_limit_is_saved_with_a_message(member, member_client, admin):
    _set_group(MemberGroup.Role.NEWCOMER, admin, max_signature_chars=10)
    response = member_client.post("/settings/signature/", {"signature": "十个字以内的签名", "format": "bbcode"},
                                  follow=True)
    assert response.redirect_chain[-1][0] == "/settings/signature/"
    page = response.content.decode()
    assert "十个字以内的签名" in page and 'class="flash' in page
    member.refresh_from_db()
    assert member.signature == "十个字以内的签名"


def test_a_group_with_no_signatures_cannot_have_one_and_an_old_one_is_hidden(member, member_client, admin, thread):
    accounts.member_signature_set(member=member, signature="以前的签名")
    assert signatures_on(Client(), thread.pk)["floor-1"]  # kept with the signature
    _set_group(MemberGroup.Role.NEWCOMER, admin, max_signature_chars=0)
    assert signatures_on(Client(), thread.pk)["floor-1"] == []
    page = member_client.get("/settings/signature/").content.decode()
    assert "<textarea" not in page and 'role="alert"' in page
    response = member_client.post("/settings/signature/", {"signature": "新签名", "format": "bbcode"})
    assert response.status_code == 400
    member.refresh_from_db()
    assert member.signature == "以前的签名"
    # Clearing it is always allowed.
    assert member_client.post("/settings/signature/", {"signature": "", "format": "bbcode"}).status_code == 302
    member.refresh_from_db()
    assert member.signature == "" and member.signature_html == ""


@pytest.mark.parametrize(("source", "forbid", "code"), [
    ("[url=https://example.com/]我的小站[/url]", "allow_links", "signature_links"),
    ("[img]https://example.com/a.png[/img]", "allow_images", "signature_images"),
    ("[主页](https://example.com/)", "allow_links", "signature_links"),
])
def test_links_and_images_only_where_the_group_allows_them(senior, admin, source, forbid, code):
    fmt = "markdown" if source.startswith("[主页]") else "bbcode"
    accounts.member_signature_set(member=senior, signature=source, fmt=fmt)  # allowed
    senior.refresh_from_db()
    assert ("<a " in senior.signature_html) or ("<img " in senior.signature_html)
    _set_group(MemberGroup.Role.VETERAN, admin, **{forbid: False})
    with pytest.raises(ValidationError) as refused:
        accounts.member_signature_set(member=senior, signature=source + "!", fmt=fmt)
    assert refused.value.code == code
    senior.refresh_from_db()
    assert senior.signature == source  # nothing changed


def test_a_newcomer_may_not_put_a_link_in_the_signature(member, member_client):
    response = member_client.post("/settings/signature/", {"signature": "[url=https://example.com/]来玩[/url]",
                                                           "format": "bbcode"})
    assert response.status_code == 400
    assert "[url=https://example.com/]来玩[/url]</textarea>" in response.content.decode()
    member.refresh_from_db()
    assert member.signature == ""


def test_watched_words_refuse_or_star_a_signature(member, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        words.word_save(by=admin, word=WatchedWord(word="代开发票", action=WatchedWord.Action.BLOCK))
        words.word_save(by=admin, word=WatchedWord(word="傻瓜", action=WatchedWord.Action.REPLACE))
    with pytest.raises(ValidationError):
        accounts.member_signature_set(member=member, signature="代开发票请私聊")
    member.refresh_from_db()
    assert member.signature == ""
    stored = accounts.member_signature_set(member=member, signature="别当傻瓜")
    assert "傻瓜" not in stored and "傻瓜" not in Member.objects.get(pk=member.pk).signature_html


def test_hostile_markup_in_a_signature_is_inert(senior, make_thread):
    own = make_thread(by=senior)
    accounts.member_signature_set(
        member=senior, fmt="bbcode",
        signature='<script>alert(1)</script>[url=javascript:alert(2)]点我[/url][img]javascript:alert(3)[/img]'
                  '<img src=x onerror=alert(4)><div hx-get="/logout/">x</div>')
    html = Client().get(f"/thread/{own.pk}/").content.decode()
    (sig,) = floors_of(html).floors["floor-1"]
    assert set(sig["tags"]) <= {"p", "div", "a", "img", "strong", "em", "br", "span"}, sig["tags"]
    # Our own hx-disable on the text's box is the only htmx attribute; none come from the text.
    assert not any(name.startswith(("on", "hx-", "style")) for name in sig["attributes"] - {"hx-disable"})
    assert all(not (h or "").lower().startswith("javascript") for h in sig["links"])
    assert "alert(1)" in sig["text"]  # shown as text, not run


def test_unknown_format_and_too_many_changes_are_refused(member, member_client):
    response = member_client.post("/settings/signature/", {"signature": "签名", "format": "html"})
    assert response.status_code == 400 and "签名</textarea>" in response.content.decode()
    for i in range(10):
        accounts.member_signature_set(member=member, signature=f"第{i}版")
    response = member_client.post("/settings/signature/", {"signature": "第十一版", "format": "bbcode"})
    assert response.status_code == 429
    member.refresh_from_db()
    assert member.signature == "第9版"


def test_the_settings_page_needs_a_member(member):
    response = Client().get("/settings/signature/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Client().post("/settings/signature/", {"signature": "x", "format": "bbcode"}).status_code == 403


def test_the_profile_shows_the_cooked_signature_and_its_owner_a_link_to_edit(member, member_client):
    accounts.member_signature_set(member=member, signature="[i]天天向上[/i]")
    page = Client().get(f"/user/{member.pk}/").content.decode()
    assert "<em>天天向上</em>" in page and "/settings/signature/" not in page
    assert "/settings/signature/" in member_client.get(f"/user/{member.pk}/").content.decode()


# --- The blog link on the author card ----------------------------------------------------------------------------

def _card_links(client: Client, thread_id: int, floor: int = 1) -> list[str]:
    return floors_of(client.get(f"/thread/{thread_id}/").content.decode()).cards[f"floor-{floor}"]


def test_the_card_links_to_the_blog_only_with_public_posts(member, thread):
    from helpers import clear_cache

    from luntan.core import localcache

    link = f"/blog/u/{member.pk}/"
    private = blog.blog_post_create(author=member, title="自己看", source="私密", fmt="bbcode", visibility="private")
    blog.blog_post_create(author=member, title="朋友看", source="好友", fmt="bbcode", visibility="friends")
    own = signed_in(member)
    assert link not in _card_links(Client(), thread.pk) and link not in _card_links(own, thread.pk)
    blog.blog_post_edit(editor=member, post_id=private.pk, title="公开了", source="公开", fmt="bbcode",
                        visibility="public")
    assert link in _card_links(own, thread.pk)  # one's own card at once (its card_stamp moved)
    clear_cache()  # everyone else's copy of the card within a minute
    localcache.pages.clear()
    localcache.fragments.clear()
    assert link in _card_links(Client(), thread.pk)


def test_the_public_post_count_follows_posts_and_can_be_rebuilt(member):
    one = blog.blog_post_create(author=member, title="一", source="一", fmt="bbcode", visibility="public")
    blog.blog_post_create(author=member, title="二", source="二", fmt="bbcode", visibility="public")
    member.refresh_from_db()
    assert member.blog_public_count == 2
    blog.blog_post_edit(editor=member, post_id=one.pk, title="一", source="一", fmt="bbcode", visibility="private")
    member.refresh_from_db()
    assert member.blog_public_count == 1
    blog.blog_post_delete(member=member, post_id=one.pk)
    member.refresh_from_db()
    assert member.blog_public_count == 1  # the deleted post was private
    Member.objects.filter(pk=member.pk).update(blog_public_count=7)
    assert blog.blog_counts_recount() == 1
    member.refresh_from_db()
    assert member.blog_public_count == 1
    assert blog.blog_counts_recount() == 0


# --- A reader who hides signatures ---------------------------------------------------------------------------

def test_a_reader_may_hide_signatures_and_others_still_see_them(member, other_member, thread):
    accounts.member_signature_set(member=member, signature="我的签名")
    reader = signed_in(other_member)
    assert signatures_on(reader, thread.pk)["floor-1"]  # kept with signatures for members
    response = reader.post("/settings/signature/reading/", {"hide_signatures": "on"}, follow=True)
    assert response.status_code == 200 and 'class="flash' in response.content.decode()
    other_member.refresh_from_db()
    assert other_member.hide_signatures
    assert signatures_on(reader, thread.pk)["floor-1"] == []
    assert signatures_on(Client(), thread.pk)["floor-1"] and signatures_on(signed_in(MemberFactory()), thread.pk)[
        "floor-1"]
    reader.post("/settings/signature/reading/", {})  # unticked: shown again
    assert signatures_on(reader, thread.pk)["floor-1"]
    assert Client().post("/settings/signature/reading/", {"hide_signatures": "on"}).status_code == 403
    assert reader.get("/settings/signature/reading/").status_code == 405
