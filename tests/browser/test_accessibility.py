"""Every page of the site passes axe-core (no serious or critical violation) as a guest and as a member, at
desktop and at phone width, under the production CSP; and each page has the bones assistive technology
relies on: lang="zh-Hans", one h1, the main landmark, labelled fields, images with alt.

One test per reader and width walks all the pages over one set of data, and reports every page's problems
at once rather than stopping at the first."""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from browsing import ARTIFACTS, DESKTOP, PHONE, axe_problems, new_context, preload_axe, sign_in, watch_errors
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from factories import MemberFactory
from playwright.sync_api import expect
from protection.verifying import configure

from luntan.checkin import services as checkin_services
from luntan.forum import services
from luntan.forum.models import Board, Category, Floor, Thread
from luntan.markup.palette import NAMED_COLORS

RICH_BBCODE = """[b]周末[/b]想去近郊走走,[i]有什么推荐[/i]?详见 [url=https://example.com/trip]这篇攻略[/url],欢迎补充。
[quote=路过的]香山的红叶不错[/quote]
[list]
[*]要能坐地铁到
[*]人别太多
[/list]
{colours}
[quote]{colours}[/quote]
[size=2]小字[/size] [size=1]更小的字[/size]
[code]print("你好,世界")[/code]
[img]/static/core/favicon.svg[/img]""".replace(
    "{colours}", " ".join(f"[color={name}]{name}色的字[/color]" for name in NAMED_COLORS))

RICH_MARKDOWN = """推荐去**奥森**跑步,[地图在这里](https://example.com/map)。

> 周末人多,早点去

1. 带水
2. 带伞

- 地铁 15 号线
- 共享单车

行内 `code` 和代码块:

```
ls -la
```

![奥森地图](/static/core/favicon.svg)"""


@dataclass
class Forum:
    board: Board
    child: Board
    thread: Thread
    locked: Thread
    opener: object
    own_floor_id: int
    reset_path: str
    highlighted: list[Thread] = field(default_factory=list)
    moderator: object = None  # moderates `board` (the reports queue, warnings, bans)
    poll: object = None  # a thread with a poll (luntan.polls), voted on, with a public voter list
    conversation_id: int = 0  # 短消息 between the opener and the moderator
    attachment_id: int = 0  # a paid attachment of the opener's, beside a picture, in highlighted[1]
    hidden: object = None  # floor 1 of a thread with [hide], [hide=N] and [sell=N] parts (luntan.hidden), one bought


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 200), (40, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def _zip() -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as pack:
        pack.writestr("路线.txt", "先坐地铁，再爬山。".encode())
    return out.getvalue()


@pytest.fixture
def forum(transactional_db, settings) -> Forum:
    """A board whose threads show every tag and highlight colour, and a thread three pages long whose floors
    hold quotes, code, lists and links from BBCode and Markdown. Eight floors a page: axe's time grows with
    the page, and eight show all a floor can hold as well as twenty."""
    # The form checks on (验证问题 at registration, under a new member's quick reply), as on a real site.
    settings.LUNTAN = {**settings.LUNTAN, "FLOORS_PER_PAGE": 8, "VERIFY_FORMS": True}
    category = Category.objects.create(name="生活天地", description="吃喝玩乐,家长里短")
    board = Board.objects.create(category=category, name="灌水闲聊", description="想聊什么都行")
    child = Board.objects.create(category=category, parent=board, name="周末去哪儿")
    opener = MemberFactory(username="开帖人", custom_title="资深驴友")
    from luntan.accounts.services import member_signature_set

    member_signature_set(member=opener, signature="[b]行万里路[/b]\n[color=gray]读万卷书[/color] :smile:")
    passer = MemberFactory(username="路过的")
    services.board_moderators_set(board=board, members=[passer])

    first = services.thread_create(author=opener, board=board, title="周末去哪儿玩", source=RICH_BBCODE,
                                   fmt="bbcode")
    thread = first.thread
    services.post_reply(author=passer, thread=thread, source=RICH_MARKDOWN, fmt="markdown")
    for i in range(20):  # 24 floors: three pages, and the board shows a "last page" link
        services.post_reply(author=passer if i % 2 else opener, thread=thread, source=f"第{i + 1}个建议:去爬山",
                            fmt="bbcode")
    own = services.post_reply(author=opener, thread=thread, source="谢谢大家,[b]收藏了[/b]", fmt="bbcode")
    gone = services.post_reply(author=opener, thread=thread, source="发错了", fmt="bbcode")
    services.floor_delete(member=opener, floor=gone)

    locked = services.thread_create(author=passer, board=board, title="【公告】版规", source="请文明发言",
                                    fmt="bbcode").thread
    Thread.objects.filter(pk=locked.pk).update(sticky=1, is_locked=True, digest=1)
    highlighted = []
    for colour in ("red", "orange", "green", "blue", "purple"):
        t = services.thread_create(author=opener, board=board, title=f"{colour} 高亮的帖子", source="内容",
                                   fmt="bbcode").thread
        Thread.objects.filter(pk=t.pk).update(highlight=colour, digest=2 if colour == "red" else 0,
                                                sticky=1 if colour == "orange" else 0)  # orange on the sticky tint
        highlighted.append(t)
    # A picture and a paid attachment in a floor of the opener's (luntan.attachments).
    from django.core.files.uploadedfile import SimpleUploadedFile

    from luntan.accounts.models import Member
    from luntan.attachments import services as attachments
    from luntan.attachments.views import described

    poster = Member.objects.get(pk=opener.pk)  # with the posts counted: a new member's picture would be refused
    picture = attachments.upload_create(member=poster, upload=SimpleUploadedFile("风景.png", _png(), "image/png"))
    pack = attachments.upload_create(member=poster, upload=SimpleUploadedFile("路线图.zip", _zip(), "application/zip"))
    services.post_reply(author=poster, thread=highlighted[1], fmt="bbcode",
                        source=f"照片和路线:\n{described(picture)['bbcode']}\n{described(pack)['bbcode']}")
    pack.refresh_from_db()
    attachments.attachment_update(member=poster, attachment=pack, price=5, min_level_id=None)
    # Medals on the opener's card, and items in the opener's bag with one working (the 社区服务 pages).
    from luntan.credits.models import Operation
    from luntan.credits.services import Change, credit_apply
    from luntan.items import services as items
    from luntan.items.models import Item
    from luntan.medals import services as medals

    medals.medals_award_earned(member_id=opener.pk, figures={"checkin_streak": 7, "digests": 10})
    for kind in ("highlight", "sticky", "rename"):
        card = Item.objects.get(kind=kind)
        credit_apply(changes=[Change(opener.pk, card.price_type_id, card.price)], operation=Operation.ADJUST)
        items.item_buy(member=opener, item_id=card.pk, quantity=1, submission_key=f"a11y-{kind}")
    items.item_use(member=opener, item_id=Item.objects.get(kind="sticky").pk, thread_id=thread.pk,
                   submission_key="a11y-use")
    checkin_services.checkin_sign(member=passer, mood="fd", sentence="早起打卡，<b>加油</b>！")
    # Something in the reports queue, the darkroom and the opener's notices.
    from luntan.bans import services as bans
    from luntan.reports import services as reports

    reports.report_create(reporter=MemberFactory(username="热心网友"), floor=first, reason="other",
                          text="标题和内容不符")
    bans.ban_create(actor=passer, member=MemberFactory(username="广告机"), kind="post", reason="刷广告",
                    until=timezone.now() + timedelta(days=3))
    bans.warning_create(actor=passer, member=opener, floor=own, reason="请勿灌水")
    uid = urlsafe_base64_encode(force_bytes(opener.pk))
    # Posts waiting for approval (the moderators' queue): a thread and a reply.
    waiting = Thread.objects.create(board=board, title="等待审核的新帖", author=opener, last_floor=1, is_waiting=True,
                                    last_replier=opener, last_replier_name=opener.username)
    Floor.objects.create(thread=waiting, number=1, author=opener, source="审核", html="<p>请版主<b>审核</b></p>",
                         is_waiting=True)
    Thread.objects.filter(pk=locked.pk).update(last_floor=2)
    Floor.objects.create(thread=locked, number=2, author=opener, source="回复", html="<p>一条待审核的回复</p>",
                         is_waiting=True)
    Thread.objects.filter(pk=thread.pk).update(pinned_floor=3)  # a stuck reply under floor 1
    from luntan.polls import services as polls

    spec = polls.clean_poll(options=["爬山", "看电影", "在家睡觉"], multiple=True, max_choices=2, ends_at=None,
                            results_after_vote=False, public_voters=True)
    poll_floor = services.thread_create(author=passer, board=board, title="投票:周末做什么", source="投一票吧",
                                        fmt="bbcode", extras=[lambda f: polls.poll_create(floor=f, spec=spec)])
    poll = poll_floor.thread.poll
    polls.poll_vote(member=passer, poll_id=poll.pk, option_ids=[poll.options.first().pk])
    from luntan.letters import services as letters

    talk = letters.conversation_start(author=passer, recipients=opener.username, title="关于你的帖子",
                                      source="你好，[b]帖子[/b]写得很好，能补充一下路线吗？", fmt="bbcode")
    letters.letter_reply(author=opener, conversation=talk.conversation, source="好的，我晚上整理一下。", fmt="bbcode")
    letters.letter_reply(author=passer, conversation=talk.conversation, source="**谢谢！**", fmt="markdown")
    letters.block_add(member=opener, name="广告机")
    # 博客: the opener's posts (one for friends), a category, a comment and a mood; the moderator is a friend.
    from luntan.blog import services as blog

    blog.friend_add(member=opener, friend_id=passer.pk)
    travel = blog.blog_category_create(owner=opener, name="游记")
    blog_post = blog.blog_post_create(author=opener, title="周末爬山记", source=RICH_MARKDOWN, fmt="markdown",
                                      visibility="public", category_id=travel.pk)
    blog.blog_post_create(author=opener, title="写给好友的话", source="最近有点累", fmt="bbcode", visibility="friends")
    blog.blog_comment_create(author=passer, post_id=blog_post.pk, source="[b]好文[/b],收藏了", fmt="bbcode")
    from luntan.reactions.models import Mood

    blog.blog_mood_vote(member=passer, post_id=blog_post.pk, mood_id=Mood.objects.order_by("order", "id")[0].pk)
    # 隐藏与付费内容: the moderator buys the paid part (moderators read free; the buyer here is another member).
    hidden = services.thread_create(author=opener, board=board, title="隐藏与付费内容", fmt="bbcode",
                                    source="公开的话。\n[hide]回复可见的话[/hide]\n[sell=5]付费的话[/sell]\n"
                                           "[hide=100000]积分可见的话[/hide]")
    from luntan.credits.models import CreditType
    from luntan.hidden import services as hidden_services

    buyer = MemberFactory(username="买家")
    credit_apply(changes=[Change(buyer.pk, CreditType.objects.get(slot=1).pk, 50)], operation=Operation.ADJUST)
    hidden_services.part_buy(buyer=buyer, floor_id=hidden.pk, number=2)
    return Forum(poll=poll, conversation_id=talk.conversation_id, attachment_id=pack.pk, hidden=hidden,
                 board=board, child=child, thread=thread, locked=locked, opener=opener, own_floor_id=own.pk,
                 moderator=passer, reset_path=f"/password/reset/{uid}/{default_token_generator.make_token(opener)}/",
                 highlighted=highlighted)


def _poll_badly(page) -> None:
    page.locator(".poll-fields summary").click()
    page.get_by_label("标题").fill("投票")
    page.get_by_label("内容").fill("大家投票")
    page.get_by_label("投票选项，每行一个").fill("只有一个")
    page.get_by_role("button", name="发表帖子").click()
    expect(page.locator("#id_poll-options-errors")).to_be_visible()


def _blog_post(f) -> int:
    from luntan.blog.models import BlogPost

    return BlogPost.objects.get(title="周末爬山记").pk


def _comment_badly(page) -> None:
    page.get_by_role("button", name="发表评论").click()
    expect(page.locator(".errors").first).to_be_visible()


def _blog_badly(page) -> None:
    page.get_by_label("标题").fill("")
    page.get_by_role("button", name="发布").click()
    expect(page.locator(".errors").first).to_be_visible()


def _preview(page) -> None:
    page.get_by_label("内容").fill("[b]预览[/b]一下,[url=https://example.com]链接[/url]在文字中间。")
    page.get_by_role("button", name="预览").click()
    expect(page.locator("#preview strong")).to_have_text("预览")


def _register_badly(page) -> None:
    page.get_by_label("用户名").fill("x")
    page.get_by_label("邮箱").fill("不是邮箱")
    page.locator("input[name=password1]").fill("123")
    page.locator("input[name=password2]").fill("456")
    page.get_by_role("button", name="注册").click()
    expect(page.locator(".errors").first).to_be_visible()


def _answer_wrongly(page) -> None:
    configure(min_seconds=0)  # the browser fills the form faster than a person may
    page.get_by_label("用户名").fill("答错的人")
    page.get_by_label("邮箱").fill("wrong@example.com")
    page.locator("input[name=password1]").fill("一个很长的口令abc")
    page.locator("input[name=password2]").fill("一个很长的口令abc")
    page.get_by_label("验证问题").fill("不知道")
    page.get_by_role("button", name="注册").click()
    expect(page.locator(".verify-question .errors")).to_be_visible()
    configure(min_seconds=3)


def _asked_everywhere(page) -> None:
    """Every member answers (as a new member would): the quick reply shows the question."""
    configure(posts_below=100_000)
    page.reload()
    expect(page.locator(".quick-reply .verify-question")).to_be_visible()
    configure(posts_below=5)


def _proof_of_work(page) -> None:
    configure(kind="pow", pow_bits=10)
    page.reload()
    expect(page.locator("[data-pow][data-pow-done]")).to_have_count(1)
    configure(kind="question")


def _asked_everywhere_form(page) -> None:
    configure(posts_below=100_000)
    page.reload()
    expect(page.locator(".verify-question")).to_be_visible()
    configure(posts_below=5)


def _reset_sent(page) -> None:
    page.get_by_label("邮箱").fill("nobody@example.com")
    page.get_by_role("button", name="发送").click()
    page.wait_for_url("**/password/reset/sent/")


def _message_badly(page) -> None:
    page.get_by_label("收件人").fill("不存在的人")
    page.get_by_label("内容").fill("你好")
    page.get_by_role("button", name="发送").click()
    expect(page.locator(".errors").first).to_be_visible()


def _checkin_badly(page) -> None:
    if page.locator("input[name=mood]").count():  # no mood picked
        page.get_by_role("button", name="签到").click()
        expect(page.locator(".errors").first).to_be_visible()


def _checkin(page) -> None:
    if page.locator("input[name=mood]").count():
        page.locator("input[name=mood]").first.check()
        page.get_by_role("button", name="签到").click()
        expect(page.locator(".flash")).to_be_visible()


def _picture(name: str) -> str:
    import tempfile
    from pathlib import Path

    from PIL import Image

    path = Path(tempfile.mkdtemp()) / name
    if name.endswith(".jpg"):
        Image.new("RGB", (300, 200), (20, 120, 90)).save(path, quality=85)
    else:
        path.write_text("这不是图片", encoding="utf-8")
    return str(path)


def _twofactor_badly(page) -> None:
    page.get_by_label("验证码").fill("12")
    page.get_by_role("button", name="开启两步验证").click()
    expect(page.locator(".errors").first).to_be_visible()


def _twofactor_on(page) -> None:
    import time

    from luntan.protection import twofactor

    secret = page.locator("#twofactor-secret").inner_text().replace(" ", "")
    page.get_by_label("验证码").fill(twofactor.totp(twofactor.secret_key(secret), time.time()))
    page.get_by_role("button", name="开启两步验证").click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)


def _avatar_badly(page) -> None:
    page.get_by_label("图片").set_input_files(_picture("notes.png"))
    page.get_by_role("button", name="上传头像").click()
    expect(page.locator(".errors").first).to_be_visible()


def _avatar_set(page) -> None:
    page.get_by_label("图片").set_input_files(_picture("photo.jpg"))
    page.get_by_role("button", name="上传头像").click()
    expect(page.locator(".flash")).to_be_visible()


def _signature_badly(page) -> None:
    page.get_by_label("个人签名", exact=True).fill("太长的签名" * 120)  # 600 characters: over every group's limit
    page.get_by_role("button", name="保存签名").click()
    expect(page.locator(".errors").first).to_be_visible()


def _signature_set(page) -> None:
    page.get_by_label("个人签名", exact=True).fill("[b]行万里路[/b]，读万卷书")
    page.get_by_role("button", name="保存签名").click()
    expect(page.locator(".flash")).to_be_visible()
    expect(page.locator(".signature-now strong")).to_have_text("行万里路")


def _open_panel(page) -> None:
    page.locator(".mod-panel summary").click()
    expect(page.get_by_role("button", name="设置精华")).to_be_visible()


def _batch_move(page) -> None:
    page.locator("input[form=batch-form]").first.check()
    page.locator("#batch-form").get_by_role("button", name="移动…").click()


def _report_badly(page) -> None:
    page.get_by_role("button", name="提交举报").click()
    expect(page.locator(".errors").first).to_be_visible()


def _ban_badly(page) -> None:
    page.get_by_role("button", name="禁止").click()
    expect(page.locator(".errors").first).to_be_visible()


def _merge_badly(page) -> None:
    page.get_by_label("要并入本主题的主题").fill("不是编号")
    page.get_by_role("button", name="合并").click()
    expect(page.locator(".errors").first).to_be_visible()


def _split_badly(page) -> None:
    page.get_by_role("button", name="拆分").click()  # no title
    expect(page.locator(".errors").first).to_be_visible()


def _queue_badly(page) -> None:
    page.get_by_role("button", name="通过选中的帖子").click()  # nothing chosen
    expect(page.locator(".errors").first).to_be_visible()


# (name, path from the Forum, what to do there once it is open, who sees it, its h1: proof it is that page)
BOTH, MEMBER, MODERATOR = ("guest", "member"), ("member",), ("moderator",)
def _help_article(title: str) -> int:
    from luntan.help.models import Article

    return Article.objects.get(title=title).pk


PAGES = [
    ("home", lambda f: "/", None, BOTH, "论坛"),
    ("board", lambda f: f"/board/{f.board.pk}/", None, BOTH, "灌水闲聊"),
    ("sub-board", lambda f: f"/board/{f.child.pk}/", None, BOTH, "周末去哪儿"),
    ("thread", lambda f: f"/thread/{f.thread.pk}/", None, BOTH, "周末去哪儿玩"),
    ("thread page 2", lambda f: f"/thread/{f.thread.pk}/?page=2", None, BOTH, "周末去哪儿玩"),
    ("floor jump", lambda f: f"/thread/{f.thread.pk}/floor/2/", None, BOTH, "周末去哪儿玩"),
    ("only this author", lambda f: f"/thread/{f.thread.pk}/?author={f.opener.pk}", None, BOTH, "周末去哪儿玩"),
    ("newest first", lambda f: f"/thread/{f.thread.pk}/?order=desc", None, BOTH, "周末去哪儿玩"),
    ("locked thread", lambda f: f"/thread/{f.locked.pk}/", None, BOTH, "【公告】版规"),
    ("highlighted thread", lambda f: f"/thread/{f.highlighted[0].pk}/", None, BOTH, "red 高亮的帖子"),
    ("profile", lambda f: f"/user/{f.opener.pk}/", None, BOTH, "开帖人"),
    ("statistics", lambda f: "/stats/", None, BOTH, "统计排行"),
    ("statistics today", lambda f: "/stats/?period=today", None, BOTH, "统计排行"),
    ("member list", lambda f: "/members/", None, BOTH, "会员列表"),
    ("member search sorted", lambda f: "/members/?q=kt&sort=posts&dir=asc", None, BOTH, "会员列表"),
    ("search", lambda f: "/search/?q=周末", None, BOTH, "搜索"),
    ("search filtered", lambda f: f"/search/?q=建议&board={f.board.pk}&author=开帖人&sort=newest&since=2020-01-01",
     None, BOTH, "搜索"),
    ("search refused", lambda f: "/search/?q=周末&since=2024-13-45&board=99999", None, ("guest",), "搜索"),
    ("search for members", lambda f: "/search/?kind=members&q=kt", None, BOTH, "搜索"),
    ("register", lambda f: "/register/", None, BOTH, "注册账号"),
    ("register with errors", lambda f: "/register/", _register_badly, ("guest",), "注册账号"),
    ("register with a wrong answer", lambda f: "/register/", _answer_wrongly, ("guest",), "注册账号"),
    ("register with the proof of work", lambda f: "/register/", _proof_of_work, ("guest",), "注册账号"),
    ("guests' check", lambda f: f"/protection/check/?next=/thread/{f.thread.pk}/", None, BOTH, "简单验证"),
    ("thread with the question under the quick reply", lambda f: f"/thread/{f.thread.pk}/", _asked_everywhere,
     MEMBER, "周末去哪儿玩"),
    ("new thread with the question", lambda f: f"/thread/new/?board={f.board.pk}", _asked_everywhere_form, MEMBER,
     "发帖"),
    ("login", lambda f: "/login/", None, BOTH, "登录"),
    ("password reset", lambda f: "/password/reset/", None, BOTH, "找回密码"),
    ("password reset sent", lambda f: "/password/reset/", _reset_sent, BOTH, "请查收邮件"),
    ("password reset link", lambda f: f.reset_path, None, ("guest",), "设置新密码"),
    ("password reset link invalid", lambda f: "/password/reset/MQ/not-a-token/", None, BOTH, "此链接已失效"),
    ("not found", lambda f: "/thread/99999/", None, BOTH, "页面不存在"),
    ("reply with preview", lambda f: f"/thread/{f.thread.pk}/reply/", _preview, MEMBER, "回复主题"),
    ("new thread", lambda f: f"/thread/new/?board={f.board.pk}", None, MEMBER, "发帖"),
    ("edit", lambda f: f"/floor/{f.own_floor_id}/edit/", None, MEMBER, "编辑"),
    ("delete confirm", lambda f: f"/floor/{f.own_floor_id}/delete/", None, MEMBER, "确定删除"),
    ("not allowed (reply to a locked thread)", lambda f: f"/thread/{f.locked.pk}/reply/", None, MEMBER, "没有权限"),
    ("password change", lambda f: "/password/change/", None, MEMBER, "修改密码"),
    ("avatar", lambda f: "/settings/avatar/", None, MEMBER, "头像"),
    ("avatar refused", lambda f: "/settings/avatar/", _avatar_badly, MEMBER, "头像"),
    ("avatar set", lambda f: "/settings/avatar/", _avatar_set, MEMBER, "头像"),
    ("signature", lambda f: "/settings/signature/", None, MEMBER, "签名"),
    ("signature refused", lambda f: "/settings/signature/", _signature_badly, MEMBER, "签名"),
    ("signature set", lambda f: "/settings/signature/", _signature_set, MEMBER, "签名"),
    ("logout confirm", lambda f: "/logout/", None, MEMBER, "确定退出"),
    ("two-factor set-up", lambda f: "/settings/two-factor/", None, MEMBER, "两步验证"),
    ("two-factor wrong code", lambda f: "/settings/two-factor/", _twofactor_badly, MEMBER, "两步验证"),
    ("two-factor recovery codes", lambda f: "/settings/two-factor/", _twofactor_on, MEMBER, "恢复码"),
    ("two-factor on", lambda f: "/settings/two-factor/", None, MEMBER, "两步验证"),
    ("security log", lambda f: "/settings/security/", None, MEMBER, "安全日志"),
    ("medals", lambda f: "/services/medals/", None, BOTH, "勋章"),
    ("item shop", lambda f: "/services/items/", None, BOTH, "道具商店"),
    ("daily check-in", lambda f: "/checkin/", None, BOTH, "每日签到"),
    ("daily check-in refused", lambda f: "/checkin/", _checkin_badly, MEMBER, "每日签到"),
    ("daily check-in done", lambda f: "/checkin/", _checkin, MEMBER, "每日签到"),
    ("lucky wheel", lambda f: "/wheel/", None, BOTH, "幸运大转盘"),
    ("lucky wheel verify", lambda f: "/wheel/verify/", None, BOTH, "验证抽奖结果"),
    ("lucky wheel verify worked", lambda f: "/wheel/verify/?server_seed=" + "ab" * 32
     + "&client_seed=lucky&nonce=3&weights=260,220,200,140,100,40,38,2", None, ("guest",), "验证抽奖结果"),
    ("lucky wheel verify with errors", lambda f: "/wheel/verify/?server_seed=xyz&client_seed=%E5%B9%B8&nonce=-1"
     "&weights=0", None, ("guest",), "验证抽奖结果"),
    ("my spins", lambda f: "/wheel/mine/", None, MEMBER, "我的抽奖记录"),
    ("weekly most-rated threads", lambda f: "/moods/week/", None, BOTH, "本周帖子评价之最"),
    ("latest posts", lambda f: "/latest/", None, BOTH, "最新帖子"),
    ("latest replies", lambda f: "/latest/?tab=reply", None, BOTH, "最新帖子"),
    ("hot threads", lambda f: "/latest/?tab=hot", None, BOTH, "最新帖子"),
    ("grab the sofa", lambda f: "/latest/?tab=sofa", None, BOTH, "最新帖子"),
    ("my threads", lambda f: "/latest/?tab=mine", None, BOTH, "最新帖子"),
    ("digest area", lambda f: "/digest/", None, BOTH, "精华区"),
    ("digest area filtered", lambda f: f"/digest/?board={f.board.pk}&level=2", None, BOTH, "精华区"),
    ("digest area unknown level", lambda f: "/digest/?level=9", None, ("guest",), "没有这个筛选"),
    ("board with the batch form", lambda f: f"/board/{f.board.pk}/", None, MODERATOR, "灌水闲聊"),
    ("thread with the panel", lambda f: f"/thread/{f.thread.pk}/", _open_panel, MODERATOR, "周末去哪儿玩"),
    ("moderate a thread", lambda f: f"/moderation/thread/{f.thread.pk}/", None, MODERATOR, "管理"),
    ("thread types", lambda f: f"/moderation/board/{f.board.pk}/types/", None, MODERATOR, "主题分类"),
    ("recycle bin", lambda f: "/moderation/recycle/", None, MODERATOR, "回收站"),
    ("batch move", lambda f: f"/board/{f.board.pk}/", _batch_move, MODERATOR, "管理选中的主题"),
    ("moderation log", lambda f: "/moderation/log/", None, MODERATOR, "管理日志"),
    ("notices", lambda f: "/notifications/", None, MEMBER, "提醒"),
    ("notice settings", lambda f: "/notifications/settings/", None, MEMBER, "提醒设置"),
    ("what I follow", lambda f: "/notifications/following/", None, MEMBER, "我的关注"),
    ("follow a member", lambda f: f"/notifications/follow/member/{f.opener.pk}/", None, MEMBER, "关注"),
    ("private messages", lambda f: "/messages/", None, MEMBER, "短消息"),
    ("a conversation", lambda f: f"/messages/{f.conversation_id}/", None, MEMBER, "关于你的帖子"),
    ("write a message with errors", lambda f: "/messages/new/", _message_badly, MEMBER, "写短消息"),
    ("blocked members", lambda f: "/messages/blocked/", None, MEMBER, "黑名单"),
    ("report a floor", lambda f: f"/reports/floor/{f.thread.floors.get(number=2).pk}/", None, MEMBER, "举报"),
    ("report with errors", lambda f: f"/reports/floor/{f.thread.floors.get(number=2).pk}/", _report_badly, MEMBER,
     "举报"),
    ("reports queue", lambda f: "/reports/", None, MODERATOR, "举报"),
    ("darkroom", lambda f: "/bans/", None, MODERATOR, "小黑屋"),
    ("ban form with errors", lambda f: f"/bans/new/?member={f.opener.pk}", _ban_badly, MODERATOR, "禁止"),
    ("warn form", lambda f: f"/bans/warn/?floor={f.own_floor_id}", None, MODERATOR, "警告"),
    ("thread as its moderator", lambda f: f"/thread/{f.thread.pk}/", None, MODERATOR, "周末去哪儿玩"),
    ("merge", lambda f: f"/moderation/thread/{f.thread.pk}/merge/", None, MODERATOR, "合并主题"),
    ("merge refused", lambda f: f"/moderation/thread/{f.thread.pk}/merge/", _merge_badly, MODERATOR, "合并主题"),
    ("split", lambda f: f"/moderation/thread/{f.thread.pk}/split/?floor=4", None, MODERATOR, "拆分主题"),
    ("split refused", lambda f: f"/moderation/thread/{f.thread.pk}/split/?floor=4", _split_badly, MODERATOR,
     "拆分主题"),
    ("stick reply", lambda f: f"/moderation/thread/{f.thread.pk}/stick/?floor=5", None, MODERATOR, "置顶"),
    ("approval queue", lambda f: "/moderation/approval/", None, MODERATOR, "待审核的帖子"),
    ("thread with attachments", lambda f: f"/thread/{f.highlighted[1].pk}/", None, BOTH, "orange 高亮的帖子"),
    ("attachment", lambda f: f"/attachment/{f.attachment_id}/", None, BOTH, "路线图.zip"),
    ("help", lambda f: "/help/", None, BOTH, "帮助"),
    ("help search", lambda f: "/help/?q=签到+积分", None, BOTH, "帮助"),
    ("help search refused", lambda f: "/help/?q=%EF%BC%81%EF%BC%81", None, ("guest",), "帮助"),
    ("help article with tables", lambda f: f"/help/{_help_article('积分怎么得来，又怎么花掉')}/", None, BOTH,
     "积分怎么得来"),
    ("help article wheel odds", lambda f: f"/help/{_help_article('幸运大转盘的中奖概率')}/", None, BOTH, "中奖概率"),
    ("help category", lambda f: f"/help/{_help_article('社区规则与管理')}/", None, ("guest",), "社区规则与管理"),
    ("help article not found", lambda f: "/help/999999/", None, ("guest",), "页面不存在"),
    ("thread with a poll", lambda f: f"/thread/{f.poll.thread_id}/", None, BOTH, "投票:周末做什么"),
    ("poll voters", lambda f: f"/poll/{f.poll.pk}/voters/", None, BOTH, "投票参与人"),
    ("new thread with poll errors", lambda f: f"/thread/new/?board={f.board.pk}", _poll_badly, MEMBER, "发帖"),
    ("thread with hidden and paid parts", lambda f: f"/thread/{f.hidden.thread_id}/", None, BOTH, "隐藏与付费内容"),
    ("buyers of a paid part", lambda f: f"/floor/{f.hidden.pk}/part/2/buyers/", None, BOTH, "购买记录"),
    ("blogs", lambda f: "/blog/", None, BOTH, "博客"),
    ("a member's blog", lambda f: f"/blog/u/{f.opener.pk}/", None, BOTH, "开帖人的博客"),
    ("a blog post", lambda f: f"/blog/{_blog_post(f)}/", None, BOTH, "周末爬山记"),
    ("a blog post with a refused comment", lambda f: f"/blog/{_blog_post(f)}/", _comment_badly, MEMBER, "周末爬山记"),
    ("write a blog post", lambda f: "/blog/new/", None, MEMBER, "写日志"),
    ("write a blog post with errors", lambda f: "/blog/new/", _blog_badly, MEMBER, "写日志"),
    ("blog categories", lambda f: "/blog/categories/", None, MEMBER, "我的日志分类"),
    ("friends", lambda f: "/friends/", None, MEMBER, "我的好友"),
    ("approval queue refused", lambda f: f"/moderation/approval/?board={f.board.pk}", _queue_badly, MODERATOR,
     "待审核"),
]

SCREENSHOTS = {"home", "register with a wrong answer", "guests' check",
               "thread with the question under the quick reply", "board", "thread", "latest posts", "digest area",
               "register with errors", "reply with preview", "profile", "medals",
               "item shop", "statistics", "member list", "daily check-in done", "avatar set", "signature set",
               "two-factor set-up",
               "security log", "split", "approval queue",
               "search filtered", "thread with a poll", "new thread with poll errors",
               "a blog post"}

# The bones axe does not hold a page to (some are only "moderate" there), checked on every page.
STRUCTURE = """() => {
  const problems = [];
  if (document.documentElement.lang !== "zh-Hans") problems.push(`html lang is "${document.documentElement.lang}"`);
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) problems.push(`${h1} h1 elements`);
  if (document.querySelectorAll("main").length !== 1) problems.push("not exactly one <main>");
  for (const img of document.querySelectorAll("img:not([alt])")) problems.push(`img without alt: ${img.src}`);
  for (const input of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    if (!input.labels.length && !input.getAttribute("aria-label")) problems.push(`field without label: ${input.name}`);
  }
  return problems;
}"""


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("reader", ["guest", "moderator"])
def test_every_page_passes_axe(browser, live_server, forum, reader, width):
    walk(browser, live_server, forum, reader=reader, width=width)


def walk(browser, live_server, forum, *, reader: str, width: str) -> None:
    """Opens every page `reader` may see, in one browser context, and fails listing every page's problems.
    (The member's walks, the longest, are in test_accessibility_member.py: a module of their own, so that
    pytest-xdist runs them beside these.)"""
    context = new_context(browser, live_server.url, viewport=DESKTOP if width == "desktop" else PHONE)
    preload_axe(context)
    if reader != "guest":
        sign_in(context, forum.opener if reader == "member" else forum.moderator, live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = watch_errors(page)
    found: dict[str, list[str]] = {}
    try:
        for name, path, then, readers, heading in PAGES:
            if reader not in readers:
                continue
            page.goto(path(forum))
            if then:
                then(page)
            expect(page.locator("h1").first).to_contain_text(heading)
            problems = axe_problems(page) + page.evaluate(STRUCTURE)
            # A script error or CSP refusal fails the page too; the 4xx pages' own status is meant.
            problems += [e for e in errors if "the server responded with a status of 4" not in e]
            errors.clear()
            if name in SCREENSHOTS:  # to look at: Chinese text renders and nothing overlaps, at both widths
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"a11y-{reader}-{width}-{name.replace(' ', '-')}.png"),
                                full_page=name != "thread")  # its whole length is too long to look at
            if problems:
                found[f"{name} ({page.url})"] = problems
    finally:
        context.close()
    assert not found, f"{reader} at {width} width:\n" + "\n".join(
        f"- {where}:\n    " + "\n    ".join(problems) for where, problems in found.items())


# Everything a keyboard can act on. Only what is hidden from assistive technology may be skipped: the
# avatar beside a member's name (aria-hidden, tabindex=-1), so that Tab does not stop twice on one member; and
# what a closed <details> folds away (its summary is reached, and opens it); and a toolbar's other buttons, which
# the arrow keys reach from its one Tab stop (the roving tabindex of ARIA's toolbar pattern).
FOCUSABLE = """() => [...document.querySelectorAll(
    'a[href], button, summary, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])')]
  .filter(e => !e.disabled && e.getClientRects().length && !e.closest('[aria-hidden=true]'))
  .filter(e => !e.closest('details:not([open])') || e.closest('summary'))  // folded away until opened
  .filter(e => !(e.tabIndex === -1 && e.closest('[role=toolbar]')))  // a toolbar is one stop; arrows move in it
  .map((e, i) => { e.dataset.kb = i; return i; }).length"""

FOCUSED = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== "none";
  const box = e.getBoundingClientRect();
  const seen = box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight;
  return {kb: e.dataset.kb ?? null, ring, seen, what: e.outerHTML.slice(0, 80)};
}"""


@pytest.mark.parametrize("where", ["thread page 2", "reply with preview", "board", "register with errors", "search"])
def test_keyboard_reaches_every_action_with_a_visible_focus_ring(browser, live_server, forum, where):
    """Tab alone reaches every link, button and field of the page, in one round, and each shows where the
    focus is: a visible outline, scrolled into view. The first stop is the skip link to the content."""
    name, path, then, readers, _heading = next(p for p in PAGES if p[0] == where)
    context = new_context(browser, live_server.url)
    if "guest" not in readers:
        sign_in(context, forum.opener, live_server.url)
    page = context.new_page()
    try:
        page.goto(path(forum))
        if then:
            then(page)
        total = page.evaluate(FOCUSABLE)
        # Start from the top of the document, as on a fresh page (a click moved the starting point).
        page.evaluate("() => { const b = document.body; b.tabIndex = -1; b.focus(); b.removeAttribute('tabindex'); }")
        reached, bad = set(), []
        for step in range(total):
            page.keyboard.press("Tab")
            now = page.evaluate(FOCUSED)
            if step == 0:
                assert "skip" in now["what"], f"the first Tab stop is not the skip link: {now['what']}"
            if not (now["ring"] and now["seen"]):
                bad.append(now["what"])
            reached.add(now["kb"])
            if step == 7:  # to look at: the ring shows
                page.screenshot(path=str(ARTIFACTS / f"a11y-focus-{where.replace(' ', '-')}-{step}.png"))
    finally:
        context.close()
    missed = set(map(str, range(total))) - reached
    assert not missed, f"{len(missed)} of {total} actions not reached by Tab on {name}"
    assert not bad, f"focus not visible on {len(bad)} stops on {name}: " + "; ".join(bad[:10])
