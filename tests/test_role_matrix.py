"""The role matrix of members' private things (issue #8): a stranger (another member), a guest, a member the
owner blocked (短消息), a member banned from posting and one banned from the site open none of a 短消息
conversation they are not in, a private (only me) 博客 post, or a friends-only post of someone who does not
count them as a friend; each gets the answer meant for them (404 naming nothing, the ban page's 403, or the
way to the login page), sees nothing of the thing, and changes nothing. The owner (and the other participant,
and a friend) can.

Paid things ([sell=N] parts of a floor, a priced thread's opening post, paid attachments) sit on pages every
reader may open: there the matrix asks who gets the paid text or file (its author and its buyer), and that
nobody else gets it, a moderator's free look aside."""

import pytest
from django.test import Client
from factories import MemberFactory
from helpers import signed_in

from luntan.bans import services as bans
from luntan.blog import services as blog
from luntan.letters import services as letters
from luntan.letters.models import Letter

pytestmark = pytest.mark.django_db

TITLE = "只给你看的悄悄话"  # the conversation's title: never on a page of someone who may not open it
PRIVATE, FRIENDS = "只有我能看的日志", "写给朋友的日志"


@pytest.fixture
def world(member, other_member, admin, django_capture_on_commit_callbacks):
    """`member` owns everything: a conversation with `other_member`, a private and a friends-only blog post
    (`other_member` is their friend). The readers who may not see them, by role."""
    talk = letters.conversation_start(author=member, recipients=other_member.username, title=TITLE,
                                      source="周末老地方见，别告诉别人。", fmt="bbcode")
    blog.friend_add(member=member, friend_id=other_member.pk)
    private = blog.blog_post_create(author=member, title=PRIVATE, source="私密的内容", fmt="bbcode",
                                    visibility="private")
    friends = blog.blog_post_create(author=member, title=FRIENDS, source="朋友才能看的内容", fmt="bbcode",
                                    visibility="friends")
    stranger, blocked, banned, barred = MemberFactory.create_batch(4)
    letters.block_add(member=member, name=blocked.username)
    with django_capture_on_commit_callbacks(execute=True):  # the bans in force are a kept table
        bans.ban_create(actor=admin, member=banned, kind="post", reason="刷广告", until=None)
        bans.ban_create(actor=admin, member=barred, kind="visit", reason="恶意注册", until=None)
    return {
        "ids": {"conversation": talk.conversation_id, "private": private.pk, "friends": friends.pk},
        "readers": {"owner": member, "participant": other_member, "stranger": stranger, "guest": None,
                    "blocked": blocked, "banned": banned, "barred": barred},
    }


LOGIN = "login"  # a redirect to the login page
# name -> (method, address, what it shows, {role: status}); roles not named get 404.
RESOURCES = {
    "conversation": ("get", "/messages/{conversation}/", TITLE,
                     {"owner": 200, "participant": 200, "barred": 403}),
    "reply to the conversation": ("post", "/messages/{conversation}/reply/", TITLE,
                                  {"owner": 302, "participant": 302, "barred": 403}),
    "leave the conversation": ("post", "/messages/{conversation}/leave/", TITLE,
                               {"owner": 302, "participant": 302, "barred": 403}),
    "private blog post": ("get", "/blog/{private}/", PRIVATE, {"owner": 200, "barred": 403}),
    "friends-only blog post": ("get", "/blog/{friends}/", FRIENDS,
                               {"owner": 200, "participant": 200, "barred": 403}),
    "comment on the private post": ("post", "/blog/{private}/comment/", PRIVATE, {"owner": 302, "barred": 403}),
}
ROLES = ["owner", "participant", "stranger", "guest", "blocked", "banned", "barred"]
# What a guest gets on the members' own lists: the way to the login page.
GUEST_LISTS = ["/messages/", "/friends/"]


def _client(reader) -> Client:
    return Client() if reader is None else signed_in(reader)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", list(RESOURCES))
def test_only_the_owner_and_those_they_chose_open_a_private_thing(world, resource, role):
    method, address, secret, statuses = RESOURCES[resource]
    url = address.format(**world["ids"])
    letters_before = Letter.objects.count()
    client = _client(world["readers"][role])
    data = {"source": "我也想说两句", "format": "bbcode"} if method == "post" else None
    response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    expected = statuses.get(role, 404)
    assert response.status_code == expected, (resource, role, response.status_code)
    if expected == 302:
        return  # the owner's own action went through
    assert (secret in response.content.decode()) == (expected == 200)
    assert Letter.objects.count() == letters_before  # a refused reply wrote nothing


@pytest.mark.parametrize("role", ["stranger", "blocked", "banned"])
def test_the_inbox_and_blog_of_others_show_none_of_it(world, role, member):
    client = _client(world["readers"][role])
    inbox = client.get("/messages/")
    assert inbox.status_code == 200 and TITLE not in inbox.content.decode()
    page = client.get(f"/blog/u/{member.pk}/")
    assert page.status_code == 200
    assert PRIVATE not in page.content.decode() and FRIENDS not in page.content.decode()


@pytest.mark.parametrize("url", GUEST_LISTS)
def test_a_guest_is_sent_to_log_in_for_the_members_own_lists(world, url):
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_owner_sees_it_listed(world, member):
    client = signed_in(member)
    assert TITLE in client.get("/messages/").content.decode()
    page = client.get(f"/blog/u/{member.pk}/").content.decode()
    assert PRIVATE in page and FRIENDS in page


# --- Paid things -----------------------------------------------------------------------------------------------

SOLD = "付了钱才能看的攻略"
SOLD_THREAD = "整个主题都要付费才能看的正文"
FILE = b"PK\x03\x04" + "付费附件的内容".encode() + bytes(200)


@pytest.fixture
def shop(world, member, other_member, thread):
    """`member` sells a part of a floor, a file and a thread (a price on its opening post); `other_member` (the
    participant above) bought all three."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from luntan.accounts.models import Member, MemberGroup
    from luntan.attachments import services as attachments
    from luntan.core.pagecache import bump_now
    from luntan.credits.models import CreditType, Operation
    from luntan.credits.services import Change, credit_apply
    from luntan.forum import services as forum
    from luntan.hidden import services as hidden

    Member.objects.filter(pk__in=[member.pk, other_member.pk]).update(date_joined=timezone.now() - timedelta(days=60))
    member.refresh_from_db()
    credit_apply(changes=[Change(other_member.pk, CreditType.objects.get(slot=1).pk, 100)], operation=Operation.ADJUST)
    file = attachments.upload_create(member=member, upload=SimpleUploadedFile("攻略.zip", FILE,
                                                                              content_type="application/zip"))
    floor = forum.post_reply(author=member, thread=thread, fmt="bbcode",
                             source=f"公开的开头。\n[sell=5]{SOLD}[/sell]\n[attach]{file.pk}[/attach]")
    file.refresh_from_db()
    attachments.attachment_update(member=member, attachment=file, price=5, min_level_id=None)
    file.refresh_from_db()
    MemberGroup.objects.filter(pk=member.group_id).update(max_thread_price=10)
    bump_now("groups")
    sold = forum.thread_create(author=member, board=thread.board, title="付费主题", source=SOLD_THREAD, fmt="bbcode",
                               price=5)
    hidden.part_buy(buyer=other_member, floor_id=floor.pk, number=1)
    hidden.part_buy(buyer=other_member, floor_id=sold.pk, number=0)
    attachments.attachment_buy(member=other_member, attachment=file)
    return {"page": f"/thread/{thread.pk}/", "download": f"/attachment/{file.pk}/download/",
            "thread": f"/thread/{sold.thread_id}/", "quote": f"/thread/{sold.thread_id}/reply/?quote={sold.pk}"}


# role -> (the thread page's status, whether it shows the sold part, the download's status)
PAID = {
    "owner": (200, True, 200),
    "participant": (200, True, 200),  # the buyer
    "stranger": (200, False, 403),
    "guest": (200, False, 302),  # to the login page
    "blocked": (200, False, 403),
    "banned": (200, False, 403),
    "barred": (403, False, 403),
}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_seller_and_the_buyer_get_a_paid_part_or_file(world, shop, role):
    client = _client(world["readers"][role])
    page_status, shows, download_status = PAID[role]
    page = client.get(shop["page"])
    assert page.status_code == page_status
    assert (SOLD in page.content.decode()) == shows
    download = client.get(shop["download"])
    assert download.status_code == download_status, (role, download.status_code)
    body = b"".join(download.streaming_content) if download.streaming else download.content
    assert (body == FILE) == (download_status == 200)
    priced = client.get(shop["thread"])
    assert priced.status_code == page_status
    assert (SOLD_THREAD in priced.content.decode()) == shows
    assert SOLD_THREAD not in client.get(shop["quote"]).content.decode()  # not even the buyer's quote carries it
