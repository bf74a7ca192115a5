"""Every page of the economy, read by a guest and by a member: it answers, it is in the menu where it
belongs, and reading it writes nothing to the database (a page view never writes)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from helpers import signed_in

pytestmark = pytest.mark.django_db

PAGES = ["/stats/", "/stats/?period=today", "/members/", "/members/?q=wang&sort=posts&dir=asc", "/credits/",
         "/services/", "/services/transfer/", "/services/exchange/", "/services/medals/", "/services/items/",
         "/checkin/", "/wheel/", "/wheel/verify/", "/wheel/mine/"]
MEMBERS_ONLY = {"/credits/", "/services/", "/services/transfer/", "/services/exchange/", "/wheel/mine/"}


@pytest.mark.parametrize("reader", ["guest", "member"])
def test_economy_pages_answer_and_write_nothing(reader, member, make_thread):
    make_thread(replies=2)
    client = Client() if reader == "guest" else signed_in(member)
    for path in PAGES:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        expected = 302 if reader == "guest" and path in MEMBERS_ONLY else 200
        assert response.status_code == expected, path
        writes = [q["sql"] for q in ctx.captured_queries
                  if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "REPLACE"))]
        assert writes == [], path


def test_the_site_menu_lists_the_economy_in_the_classic_order(client):
    html = client.get("/").content.decode()
    menu = html[html.index('class="menu"'):html.index("</nav>", html.index('class="menu"'))]
    labels = ["统计排行", "幸运大转盘", "每日签到", "社区服务", "会员列表"]
    assert [menu.index(label) for label in labels] == sorted(menu.index(label) for label in labels)


def test_a_member_finds_their_credits_in_the_user_box(member_client):
    assert 'href="/credits/">我的积分</a>' in member_client.get("/").content.decode()
