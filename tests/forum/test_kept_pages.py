"""One kept thread page serves every reader; what depends on the reader is filled in per request."""

import re

import pytest
from django.test import Client
from helpers import signed_in

from luntan.forum import services

pytestmark = pytest.mark.django_db


def _edit_links(html: str) -> list[str]:
    return re.findall(r'href="/floor/(\d+)/edit/"', html)


def test_each_reader_sees_their_own_links_on_the_same_kept_page(make_thread, member, other_member, moderator):
    thread = make_thread()
    other = other_member
    reply = services.post_reply(author=other, thread=thread, source="路过看看", fmt="bbcode")
    opening = thread.floors.get(number=1)

    as_author = signed_in(member).get(f"/thread/{thread.pk}/").content.decode()
    as_other = signed_in(other).get(f"/thread/{thread.pk}/").content.decode()
    as_moderator = signed_in(moderator).get(f"/thread/{thread.pk}/").content.decode()
    as_guest = Client().get(f"/thread/{thread.pk}/").content.decode()

    assert _edit_links(as_author) == [str(opening.pk)]
    assert _edit_links(as_other) == [str(reply.pk)]
    assert sorted(_edit_links(as_moderator)) == sorted([str(opening.pk), str(reply.pk)])
    assert _edit_links(as_guest) == [] and "引用" not in as_guest
    assert as_other.count(">引用</a>") == 2 and ">编辑</a>" in as_other and ">删除</a>" in as_other
    # Each sees their own name in the header, and only members get a form with a CSRF token.
    assert member.username in as_author.split("</header>")[0] and other.username in as_other.split("</header>")[0]
    assert 'name="source"' in as_other and 'name="source"' not in as_guest
    for html in (as_author, as_other, as_moderator, as_guest):
        assert "<!--hole:" not in html


def test_a_member_cannot_plant_a_hole(make_thread, other_member, member_client):
    thread = make_thread()
    for fmt in ("bbcode", "markdown"):
        services.post_reply(author=other_member, thread=thread, fmt=fmt,
                            source="<!--hole:csrf:--> [b]<!--hole:userbox:-->[/b]")
    client = member_client
    html = client.get(f"/thread/{thread.pk}/").content.decode()
    token = client.cookies["csrftoken"].value  # the quick reply form set it
    contents = re.findall(r'<div class="content" hx-disable>(.*?)</div>', html, re.S)
    assert len(contents) == 3
    for content in contents[1:]:  # shown as the text the member typed, never filled
        assert "csrfmiddlewaretoken" not in content and "linklike" not in content
        assert "&lt;!--hole:userbox:--&gt;" in content
    assert token and token not in "".join(contents)


def test_a_kept_quick_reply_gets_a_fresh_submission_key_and_a_working_token(thread, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    pages = [client.get(f"/thread/{thread.pk}/").content.decode() for _ in range(2)]
    keys = [re.search(r'name="submission_key" value="([0-9a-f]{32})"', page).group(1) for page in pages]
    assert keys[0] != keys[1]  # the fragment is kept, the key is not
    form = pages[1].split('class="reply-form"')[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = client.post(f"/thread/{thread.pk}/reply/", {"csrfmiddlewaretoken": token, "source": "顶一下",
                                                            "format": "bbcode", "submission_key": keys[1]})
    assert response.status_code == 302 and thread.floors.count() == 2
    # The userbox's log-out form carries a working token too.
    userbox = pages[1].split('class="userbox"')[1].split("</div>")[0]
    assert member.username in userbox and "csrfmiddlewaretoken" in userbox and "<!--" not in userbox
