"""帮助: the tree, an article with its breadcrumbs and siblings, the search (简繁 and full width folded), the
default articles whose numbers follow the live settings, escaping, the admin writing through the services,
and a constant number of queries per page."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from helpers import bump_at_once

from luntan.accounts.models import MemberGroup
from luntan.checkin.models import CheckInSettings
from luntan.core.text import clean_line
from luntan.credits.models import CreditRule, CreditType, RuleAmount
from luntan.help import services
from luntan.help.models import Article
from luntan.help.placeholders import expand
from luntan.protection.models import NewcomerRules
from luntan.wheel import queries as wheel_queries
from luntan.wheel.models import Slot

pytestmark = pytest.mark.django_db


def article(title: str) -> Article:
    return Article.objects.get(title=title)


def page(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def body_of(html: str) -> str:
    """The article's text as shown (the cooked, filled body)."""
    found = re.search(r'<div class="content" hx-disable>(.*?)</div>\s*(?:<h2>|</article>)', html, re.S)
    assert found, html
    return found.group(1)


# --- The pages ---------------------------------------------------------------------------------------------------

def test_home_shows_the_default_tree(client):
    html = page(client, "/help/")
    for title in ("新手入门", "积分怎么得来，又怎么花掉", "用户组与级别", "每日签到", "幸运大转盘的中奖概率",
                  "帖子格式：BBCode 与 Markdown", "版主能做什么：举报与小黑屋",
                  "新会员须知：验证问题、发帖限制与敏感词", "隐私说明"):
        assert title in html
    checkin = article("每日签到")
    assert f'href="/help/{checkin.pk}/"' in html


def test_the_menu_links_to_help(client):
    assert 'href="/help/">帮助</a>' in page(client, "/")


def test_article_shows_breadcrumbs_and_siblings(client):
    checkin = article("每日签到")
    html = page(client, f"/help/{checkin.pk}/")
    crumbs = re.search(r'<nav class="crumbs".*?</nav>', html, re.S).group(0)
    assert 'href="/help/"' in crumbs and "新手入门" in crumbs and "每日签到" in crumbs
    siblings = re.search(r'<aside class="box help-siblings".*?</aside>', html, re.S).group(0)
    assert "用户组与级别" in siblings and "幸运大转盘的中奖概率" in siblings
    assert "隐私说明" not in siblings  # another category's article
    assert '<span aria-current="page">每日签到</span>' in siblings


def test_a_category_lists_its_articles(client):
    top = article("社区规则与管理")
    html = page(client, f"/help/{top.pk}/")
    assert "隐私说明" in html and "In this section" not in html and "本节文章" in html


@pytest.mark.parametrize("url", ["/help/999999/", "/help/abc/", "/help/-1/", "/help/1.5/"])
def test_unknown_article_is_a_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


# --- Search ------------------------------------------------------------------------------------------------------

def found_titles(client, q: str) -> list[str]:
    response = client.get("/help/", {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    section = re.search(r'<section class="box help-results".*?</section>', html, re.S)
    assert section, html
    return re.findall(r'<li><a href="/help/\d+/">(.*?)</a></li>', section.group(0))


def test_search_finds_articles_by_chinese_words(client):
    assert "每日签到" in found_titles(client, "连续签到")
    assert found_titles(client, "小黑屋") == ["版主能做什么：举报与小黑屋"]


def test_search_folds_traditional_chinese_and_full_width(client):
    assert found_titles(client, "連續簽到") == found_titles(client, "连续签到") != []
    assert "帖子格式：BBCode 与 Markdown" in found_titles(client, "ＢＢＣＯＤＥ")


def test_search_needs_every_word(client):
    both = found_titles(client, "签到 转盘")
    assert both and all(t in found_titles(client, "签到") for t in both)
    assert found_titles(client, "签到 不存在的词语啊") == []


def test_search_without_a_match_says_so(client):
    html = client.get("/help/", {"q": "火星探测器"}).content.decode()
    assert "没有文章同时含有这些词" in html


@pytest.mark.parametrize("q, message", [("！！？", "请输入要搜索的词"), ("签" * 51, "搜索内容太长")])
def test_a_bad_search_is_refused_with_a_message(client, q, message):
    response = client.get("/help/", {"q": q})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert f'value="{q}"' in html  # what was typed is kept
    assert "新手入门" in html  # the tree is still there


def test_the_typed_query_is_escaped(client):
    html = client.get("/help/", {"q": '<script>签到</script>"'}).content.decode()
    assert "<script>签到" not in html and "&lt;script&gt;签到" in html


def test_search_does_not_find_placeholder_names(client):
    assert found_titles(client, "newcomers") == []


# --- Numbers from the live settings ------------------------------------------------------------------------------

def test_checkin_article_follows_the_admin_settings(admin_client, monkeypatch):
    bump_at_once(monkeypatch)
    url = f"/help/{article('每日签到').pk}/"
    before = body_of(page(admin_client, url))
    assert "17" not in before and "77" not in before
    row = CheckInSettings.objects.get(pk=1)
    response = admin_client.post("/admin/checkin/checkinsettings/1/change/", {
        "enabled": "on", "credit_type": row.credit_type_id or "", "sentence_max_chars": 50,
        "reward_base": 17, "reward_step": 4, "reward_max": 77, "bonus_first": 11, "bonus_second": 5,
        "bonus_third": 3})
    assert response.status_code == 302
    text = body_of(page(admin_client, url))
    assert "17" in text and "77" in text and "11" in text
    assert "{{" not in text


def test_checkin_closed_says_so(client, monkeypatch):
    bump_at_once(monkeypatch)
    CheckInSettings.objects.filter(pk=1).update(enabled=False)
    from luntan.core import pagecache

    pagecache.bump_now("checkin")
    assert "签到目前已关闭" in body_of(page(client, f"/help/{article('每日签到').pk}/"))


def test_wheel_odds_are_the_wheel_pages_own(client, monkeypatch):
    bump_at_once(monkeypatch)
    url = f"/help/{article('幸运大转盘的中奖概率').pk}/"
    shown = body_of(page(client, url))
    wheel_page = page(client, "/wheel/")
    for odds in wheel_queries.odds(wheel_queries.current_slots()):
        assert odds.percent in shown and odds.percent in wheel_page
    # The administrator makes the jackpot likelier: the article follows.
    jackpot = Slot.objects.order_by("-position").first()
    Slot.objects.filter(pk=jackpot.pk).update(weight=502)  # out of 1500: ≈33.4667%
    shown = body_of(page(client, url))
    expected = next(o for o in wheel_queries.odds(wheel_queries.current_slots()) if o.slot.pk == jackpot.pk)
    assert expected.percent.startswith("≈33.46") and expected.percent in shown


def test_newcomer_numbers_follow_the_rules(client, monkeypatch):
    from luntan.core import pagecache

    url = f"/help/{article('新会员须知：验证问题、发帖限制与敏感词').pk}/"
    NewcomerRules.objects.update_or_create(pk=1, defaults={"links_after_posts": 13, "threads_per_day": 7,
                                                           "replies_per_day": None, "hours": 48})
    pagecache.bump_now("protection-newcomers")
    text = body_of(page(client, url))
    assert "发满 13 个帖子" in text and "发主题的上限：7" in text and "发回复的上限：不限" in text
    assert "注册后的 48 小时" in text
    NewcomerRules.objects.filter(pk=1).update(links_after_posts=2)
    pagecache.bump_now("protection-newcomers")
    assert "发满 2 个帖子" in body_of(page(client, url))


def test_levels_and_credit_rules_follow_the_settings(client):
    from luntan.core import pagecache

    level = MemberGroup.objects.filter(kind=MemberGroup.Kind.MEMBER, credits_from__isnull=False).last()
    MemberGroup.objects.filter(pk=level.pk).update(name="论坛元老九段", credits_from=123457)
    pagecache.bump_now("groups")
    text = body_of(page(client, f"/help/{article('用户组与级别').pk}/"))
    assert "<td>论坛元老九段</td><td>123457</td>" in text

    rule = CreditRule.objects.get(action="thread")
    RuleAmount.objects.filter(rule=rule).delete()
    kind = CreditType.objects.filter(enabled=True).order_by("slot").first()
    RuleAmount.objects.create(rule=rule, credit_type=kind, amount=42)
    pagecache.bump_now("economy")
    text = body_of(page(client, f"/help/{article('积分怎么得来，又怎么花掉').pk}/"))
    assert f"{kind.name} +42" in text


def test_the_paid_content_article_lists_each_groups_highest_thread_price(client):
    from luntan.core import pagecache

    url = f"/help/{article('隐藏内容与付费内容').pk}/"
    seller = MemberGroup.objects.filter(kind=MemberGroup.Kind.MEMBER, credits_from__isnull=False).last()
    MemberGroup.objects.filter(pk=seller.pk).update(name="售价高手", max_thread_price=321)
    MemberGroup.objects.exclude(pk=seller.pk).update(max_thread_price=0)
    pagecache.bump_now("groups")
    text = body_of(page(client, url))
    assert "主题售价" in text and "购买主题" in text and "{{" not in text
    assert re.search(r"<td>售价高手</td><td>321\b[^<]*</td>", text)
    assert text.count("不能给主题定价") >= 2  # the row of every other group, and the sentence above the table


def test_an_unedited_paid_content_article_gets_the_thread_price_section():
    import importlib

    from django.apps import apps

    from luntan.help import defaults

    step = importlib.import_module("luntan.help.migrations.0004_thread_price_in_hidden_article")
    found = Article.objects.get(title=defaults.HIDDEN_TITLE)
    Article.objects.filter(pk=found.pk).update(source=defaults.ARTICLE_BEFORE_THREAD_PRICE, html="<p>旧的</p>")
    edited = Article.objects.create(parent=found.parent, title=defaults.HIDDEN_TITLE, source="管理员改过的",
                                    html="<p>管理员改过的</p>")
    step.update(apps, None)
    assert "主题售价" in Article.objects.get(pk=found.pk).source
    assert "主题售价" in Article.objects.get(pk=found.pk).html
    assert Article.objects.get(pk=edited.pk).source == "管理员改过的"


# --- Escaping ----------------------------------------------------------------------------------------------------

HOSTILE = '<img src=x onerror="alert(1)">{{ levels }}'


def test_settings_text_is_escaped_and_never_expanded_again(client):
    from luntan.core import pagecache

    level = MemberGroup.objects.filter(kind=MemberGroup.Kind.MEMBER, credits_from__isnull=False).first()
    MemberGroup.objects.filter(pk=level.pk).update(name=HOSTILE[:30])
    kind = CreditType.objects.filter(enabled=True).order_by("slot").first()
    CreditType.objects.filter(pk=kind.pk).update(name="<b>x</b>", unit="<i>")
    pagecache.bump_now("groups")
    pagecache.bump_now("economy")
    for title in ("用户组与级别", "积分怎么得来，又怎么花掉"):
        text = body_of(page(client, f"/help/{article(title).pk}/"))
        assert "<img" not in text and "<b>x" not in text and "<i>" not in text
    levels = body_of(page(client, f"/help/{article('用户组与级别').pk}/"))
    assert "&lt;img src=x onerror=" in levels


def test_a_setting_holding_a_placeholder_stays_text():
    level = MemberGroup.objects.filter(kind=MemberGroup.Kind.MEMBER, credits_from__isnull=False).first()
    MemberGroup.objects.filter(pk=level.pk).update(name="{{ levels }}")
    from luntan.core import pagecache

    pagecache.bump_now("groups")
    html = str(expand("<p>{{ levels }}</p>"))
    assert "{{ levels }}" in html  # put in as a cell, not filled again
    assert html.count("<table>") == 1


def test_article_text_is_sanitized(admin):
    made = services.article_save(by=admin, article=Article(
        title="<script>x</script>测试", fmt="markdown",
        source='<script>alert(1)</script> [a](javascript:alert(1)) {{ wheel.cost }} {{ nothing.here }}'))
    assert "<script" not in made.html and "href=\"javascript" not in made.html.lower()
    shown = str(expand(made.html))
    assert "<script" not in shown and "{{ nothing.here }}" in shown and "{{ wheel.cost }}" not in shown


def test_a_title_is_escaped_on_the_pages(client, admin):
    made = services.article_save(by=admin, article=Article(title="<b>粗</b>", source="x"))
    assert "&lt;b&gt;粗&lt;/b&gt;" in page(client, f"/help/{made.pk}/")
    assert "<b>粗</b>" not in page(client, "/help/")


def test_bbcode_placeholder_on_its_own_line_becomes_a_table(admin):
    made = services.article_save(by=admin, article=Article(title="表", fmt="bbcode",
                                                           source="[b]概率[/b]\n{{ wheel.odds }}\n完"))
    assert "<table>" in str(expand(made.html))


# --- The admin, through the services -----------------------------------------------------------------------------

def test_admin_adds_an_article_and_it_is_cooked(admin_client, client):
    top = article("新手入门")
    response = admin_client.post("/admin/help/article/add/", {
        "parent": top.pk, "title": "如何修改头像", "order": 5, "fmt": "bbcode", "source": "[b]设置[/b] → 头像"})
    assert response.status_code == 302
    made = article("如何修改头像")
    assert "<strong>设置</strong>" in made.html and "[b]" not in made.html
    html = page(client, f"/help/{made.pk}/")
    assert "<strong>设置</strong>" in html
    assert admin_client.get(f"/admin/help/article/{made.pk}/change/").status_code == 200
    assert admin_client.get("/admin/help/article/").status_code == 200


def test_admin_cannot_put_an_article_under_its_own_child(admin_client):
    top = article("新手入门")
    child = article("每日签到")
    response = admin_client.post(f"/admin/help/article/{top.pk}/change/", {
        "parent": child.pk, "title": top.title, "order": top.order, "fmt": "markdown", "source": top.source},
        follow=True)
    assert response.status_code == 200
    assert "不能放在它自己" in response.content.decode()
    top.refresh_from_db()
    assert top.parent_id is None


def test_a_category_with_articles_cannot_be_deleted(admin):
    top = article("新手入门")
    with pytest.raises(ValidationError):
        services.article_delete(by=admin, article=top)
    assert Article.objects.filter(pk=top.pk).exists()
    leaf = article("每日签到")
    services.article_delete(by=admin, article=leaf)
    assert not Article.objects.filter(pk=leaf.pk).exists()


def test_admin_delete_page_of_a_category_does_not_fail(admin_client):
    top = article("新手入门")
    response = admin_client.post(f"/admin/help/article/{top.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert Article.objects.filter(pk=top.pk).exists()


def test_members_cannot_write_articles(member):
    before = Article.objects.count()
    with pytest.raises(PermissionDenied):
        services.article_save(by=member, article=Article(title="广告", source="x"))
    with pytest.raises(PermissionDenied):
        services.article_delete(by=member, article=article("隐私说明"))
    assert Article.objects.count() == before


def test_an_empty_title_is_refused(admin):
    with pytest.raises(ValidationError):
        services.article_save(by=admin, article=Article(title="  \u200b ", source="x"))


# --- Queries -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["home", "search", "article", "wheel article"])
def test_pages_cost_the_same_queries_with_few_or_many_articles(client, admin, kind, django_assert_max_num_queries):
    def url() -> str:
        if kind == "home":
            return "/help/"
        if kind == "search":
            return "/help/?q=签到+积分"
        title = "幸运大转盘的中奖概率" if kind == "wheel article" else "每日签到"
        return f"/help/{article(title).pk}/"

    client.get(url())  # warm the kept tables and the segmenter
    with CaptureQueriesContext(connection) as few:
        assert client.get(url()).status_code == 200
    top = article("新手入门")
    for i in range(30):
        parent = services.article_save(by=admin, article=Article(parent=top, title=f"签到问题 {i}",
                                                                  source="积分 {{ checkin.rewards }}"))
        services.article_save(by=admin, article=Article(parent=parent, title=f"子问题 {i}", source="签到"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url()).status_code == 200


# --- The hostile-input corpus, on the help pages -----------------------------------------------------------------

def _hostile_vectors():
    from protection.test_hostile_input import VECTORS

    return VECTORS


@pytest.mark.parametrize("vector", [v for _n, v in _hostile_vectors()], ids=[n for n, _v in _hostile_vectors()])
def test_hostile_text_is_inert_on_the_help_pages(vector, admin, client):
    from protection.test_hostile_input import problems

    from luntan.core import pagecache

    level = MemberGroup.objects.filter(kind=MemberGroup.Kind.MEMBER, credits_from__isnull=False).first()
    # As the admin's form would store it (PostgreSQL refuses a NUL in any text).
    MemberGroup.objects.filter(pk=level.pk).update(name=clean_line(vector)[:30] or "组")
    pagecache.bump_now("groups")
    made = []
    for fmt in ("markdown", "bbcode"):
        try:
            made.append(services.article_save(by=admin, article=Article(
                parent=article("新手入门"), title=vector[:80], fmt=fmt, source=vector + "\n\n{{ levels }}\n")))
        except ValidationError:
            pass  # a title that cleans to nothing
    found = []
    for url, params in ([("/help/", {}), ("/help/", {"q": vector[:50]}), (f"/help/{article('用户组与级别').pk}/", {})]
                        + [(f"/help/{m.pk}/", {}) for m in made]):
        response = client.get(url, params)
        assert response.status_code in (200, 400), (url, response.status_code)
        found += problems(response.content.decode(), where=url)
    assert not found


def test_direction_controls_in_a_setting_do_not_reach_the_page(client):
    from luntan.core import pagecache

    level = MemberGroup.objects.filter(kind=MemberGroup.Kind.MEMBER, credits_from__isnull=False).first()
    MemberGroup.objects.filter(pk=level.pk).update(name="元\u202e老\u200b会员")
    pagecache.bump_now("groups")
    text = body_of(page(client, f"/help/{article('用户组与级别').pk}/"))
    assert "元老会员" in text and "\u202e" not in text and "\u200b" not in text
