"""Every page of the site passes axe-core (no serious or critical violation) as a guest and as a member, at
desktop and at phone width, under the production CSP; and each page has the bones assistive technology
relies on: lang="zh-Hans", one h1, the main landmark, labelled fields, images with alt.

One test per reader and width walks all the pages over one set of data, and reports every page's problems
at once rather than stopping at the first."""

from dataclasses import dataclass, field

import pytest
from conftest import DESKTOP, PHONE, axe_problems, new_context
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from factories import MemberFactory
from playwright.sync_api import expect

from luntan.forum import services
from luntan.forum.models import Board, Category, Thread
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


@pytest.fixture
def forum(transactional_db) -> Forum:
    """A board whose threads show every tag and highlight colour, and a thread two pages long whose floors
    hold quotes, code, lists and links from BBCode and Markdown."""
    category = Category.objects.create(name="生活天地", description="吃喝玩乐,家长里短")
    board = Board.objects.create(category=category, name="灌水闲聊", description="想聊什么都行")
    child = Board.objects.create(category=category, parent=board, name="周末去哪儿")
    opener = MemberFactory(username="开帖人", custom_title="资深驴友", signature="行万里路\n读万卷书")
    passer = MemberFactory(username="路过的")
    services.board_moderators_set(board=board, members=[passer])

    first = services.thread_create(author=opener, board=board, title="周末去哪儿玩", source=RICH_BBCODE,
                                   fmt="bbcode")
    thread = first.thread
    services.post_reply(author=passer, thread=thread, source=RICH_MARKDOWN, fmt="markdown")
    for i in range(20):  # 24 floors: two pages, and the board shows a "last page" link
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
    uid = urlsafe_base64_encode(force_bytes(opener.pk))
    return Forum(board=board, child=child, thread=thread, locked=locked, opener=opener, own_floor_id=own.pk,
                 reset_path=f"/password/reset/{uid}/{default_token_generator.make_token(opener)}/",
                 highlighted=highlighted)


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


def _reset_sent(page) -> None:
    page.get_by_label("邮箱").fill("nobody@example.com")
    page.get_by_role("button", name="发送").click()
    page.wait_for_url("**/password/reset/sent/")


# (name, path from the Forum, what to do there once it is open, who sees it)
BOTH, MEMBER = ("guest", "member"), ("member",)
PAGES = [
    ("home", lambda f: "/", None, BOTH),
    ("board", lambda f: f"/board/{f.board.pk}/", None, BOTH),
    ("sub-board", lambda f: f"/board/{f.child.pk}/", None, BOTH),
    ("thread", lambda f: f"/thread/{f.thread.pk}/", None, BOTH),
    ("thread page 2", lambda f: f"/thread/{f.thread.pk}/?page=2", None, BOTH),
    ("floor jump", lambda f: f"/thread/{f.thread.pk}/floor/2/", None, BOTH),
    ("only this author", lambda f: f"/thread/{f.thread.pk}/?author={f.opener.pk}", None, BOTH),
    ("newest first", lambda f: f"/thread/{f.thread.pk}/?order=desc", None, BOTH),
    ("locked thread", lambda f: f"/thread/{f.locked.pk}/", None, BOTH),
    ("highlighted thread", lambda f: f"/thread/{f.highlighted[0].pk}/", None, BOTH),
    ("profile", lambda f: f"/user/{f.opener.pk}/", None, BOTH),
    ("register", lambda f: "/register/", None, BOTH),
    ("register with errors", lambda f: "/register/", _register_badly, ("guest",)),
    ("login", lambda f: "/login/", None, BOTH),
    ("password reset", lambda f: "/password/reset/", None, BOTH),
    ("password reset sent", lambda f: "/password/reset/", _reset_sent, BOTH),
    ("password reset link", lambda f: f.reset_path, None, ("guest",)),
    ("password reset link invalid", lambda f: "/password/reset/MQ/not-a-token/", None, BOTH),
    ("not found", lambda f: "/thread/99999/", None, BOTH),
    ("reply with preview", lambda f: f"/thread/{f.thread.pk}/reply/", _preview, MEMBER),
    ("new thread", lambda f: f"/thread/new/?board={f.board.pk}", None, MEMBER),
    ("edit", lambda f: f"/floor/{f.own_floor_id}/edit/", None, MEMBER),
    ("delete confirm", lambda f: f"/floor/{f.own_floor_id}/delete/", None, MEMBER),
    ("not allowed (reply to a locked thread)", lambda f: f"/thread/{f.locked.pk}/reply/", None, MEMBER),
    ("password change", lambda f: "/password/change/", None, MEMBER),
    ("logout confirm", lambda f: "/logout/", None, MEMBER),
]

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


def _sign_in(context, member, base_url: str) -> None:
    """The member's session cookie, made server-side: logging in through the form is another test's job."""
    client = Client()
    client.force_login(member)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("reader", ["guest", "member"])
def test_every_page_passes_axe(browser, live_server, forum, reader, width):
    context = new_context(browser, live_server.url, viewport=DESKTOP if width == "desktop" else PHONE)
    if reader == "member":
        _sign_in(context, forum.opener, live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    found: dict[str, list[str]] = {}
    checked = 0
    try:
        for name, path, then, readers in PAGES:
            if reader not in readers:
                continue
            page.goto(path(forum))
            if then:
                then(page)
            problems = axe_problems(page) + page.evaluate(STRUCTURE)
            checked += 1
            if problems:
                found[f"{name} ({page.url})"] = problems
    finally:
        context.close()
    assert checked >= 18
    assert not found, f"{reader} at {width} width:\n" + "\n".join(
        f"- {where}:\n    " + "\n    ".join(problems) for where, problems in found.items())
