"""Names that look like another member's are refused wherever a name is set (registration, the admin's
member form, createsuperuser), through services.check_username: letters of Latin mixed with Cyrillic or
Greek, and names whose confusable skeleton (Unicode TR 39, accents ignored) is an existing member's."""

import html
import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import translation
from factories import PASSWORD, MemberFactory

from luntan.accounts import services
from luntan.accounts.models import Member
from luntan.accounts.names import NAME_KEY_MAX, name_key, name_skeleton, validate_username
from luntan.protection import words

from .conftest import english

pytestmark = pytest.mark.django_db

SIMILAR = "This username looks too much like the name of an existing member."
MIXED = "mixes letters of different alphabets"

LOOKALIKES = [
    ("\u0430dmin", MIXED),  # Cyrillic а
    ("\u0391D\u039c\u0399\u039d", MIXED),  # Greek Α, Μ, Ι, Ν around a Latin D
    ("adm\u0131n", SIMILAR),  # dotless ı
    ("admi\u0301n", SIMILAR),  # i + combining acute (stored as í)
    ("adm\u00edn", SIMILAR),  # í typed as one character
    ("\u0430dm\u0456n", MIXED),  # Cyrillic а and і
    ("ADMİN", SIMILAR),  # capital I with dot above
]
ALLOWED = ["张三", "zhang3", "张三abc", "山田太郎", "김철수", "ümit", "なかむら", "Zoë", "राहुल", "admin_2"]


@pytest.fixture
def admin_member(db):
    return MemberFactory(username="admin", email="admin@example.com")


def _english_error(raw: str, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        services.check_username(raw, **kwargs)
    return caught.value


@pytest.mark.parametrize(("raw", "message"), LOOKALIKES)
def test_lookalikes_of_an_existing_name_are_refused(admin_member, raw, message):
    error = _english_error(raw)
    assert message in error.messages[0]


@pytest.mark.parametrize("raw", ALLOWED)
def test_names_in_one_script_or_chinese_japanese_korean_with_latin_are_allowed(admin_member, raw):
    assert services.check_username(raw) == validate_username(raw)


def test_a_lookalike_is_refused_on_the_register_page_in_the_members_language(admin_member):
    data = {"username": "adm\u0131n", "email": "new@example.com", "password1": "青云门下弟子2024",
            "password2": "青云门下弟子2024"}
    english_page = html.unescape(english(Client()).post("/register/", data).content.decode())
    chinese = Client().post("/register/", data)
    assert chinese.status_code == 400
    assert SIMILAR in english_page
    assert "这个用户名与一位已有会员的用户名太相似" in html.unescape(chinese.content.decode())
    assert Member.objects.count() == 1


def test_accents_count_on_japanese_and_indic_letters():
    """Only the accents of Latin, Greek and Cyrillic letters are ignored: が and か are two letters."""
    MemberFactory(username="かっこう")
    assert services.check_username("がっこう") == "がっこう"


def test_a_whole_cyrillic_name_that_looks_latin_is_refused():
    MemberFactory(username="ace")
    assert SIMILAR in _english_error("\u0430\u0441\u0435").messages[0]  # асе, all Cyrillic


def test_an_existing_lookalike_member_is_unaffected_and_can_log_in(admin_member):
    """Members who registered before the rule keep their names and sign in as before."""
    old = MemberFactory(username="\u0430dmin", email="old@example.com")  # would be refused today
    client = english(Client())
    response = client.post("/login/", {"login": "\u0430dmin", "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == old.pk
    response = client.post("/login/", {"login": "admin", "password": PASSWORD})
    assert int(client.session["_auth_user_id"]) == admin_member.pk


def test_a_member_keeps_a_name_that_looks_like_itself_in_the_admin(admin_member):
    """The admin's member form excludes the member being edited: renaming admin to Admin is fine."""
    assert services.check_username("Admin", member=admin_member) == "Admin"
    assert SIMILAR in _english_error("adm\u0131n", member=MemberFactory()).messages[0]


def test_the_admin_member_form_refuses_a_lookalike(admin_member):
    superuser = Member.objects.create_superuser("站长", "boss@example.com", "管理员的密码2025")
    client = english(Client())
    client.force_login(superuser)
    member = MemberFactory(username="张三丰")
    response = client.post(f"/admin/accounts/member/{member.pk}/change/",
                           {"username": "adm\u0131n", "email": "", "is_active": "on"})
    assert response.status_code == 200 and SIMILAR in html.unescape(response.content.decode())
    member.refresh_from_db()
    assert member.username == "张三丰"


def test_createsuperuser_refuses_a_lookalike(admin_member, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "管理员的密码2025")
    with translation.override("en"), pytest.raises(CommandError, match="looks too much like"):
        call_command("createsuperuser", "--noinput", username="adm\u0131n", email="b@example.com",
                     stdout=StringIO())
    assert not Member.objects.filter(is_superuser=True).exists()


def test_the_skeleton_is_stored_and_found_with_one_query(admin_member, django_assert_num_queries):
    assert admin_member.name_skeleton == name_skeleton("admin") == name_skeleton("adm\u0131n")
    words.matcher()  # the watched words (敏感词) are read once per process, not once per name
    with django_assert_num_queries(1):
        with pytest.raises(ValidationError):
            services.check_username("adm\u0131n")
    indexed = connection.introspection.get_constraints(connection.cursor(), Member._meta.db_table)
    assert any(c["columns"] == ["name_skeleton"] and c["index"] for c in indexed.values())


def test_renaming_a_member_updates_the_skeleton(admin_member):
    admin_member.username = "站长"
    admin_member.save(update_fields=["username"])
    admin_member.refresh_from_db()
    assert admin_member.name_skeleton == name_skeleton("站长")
    assert services.check_username("adm\u0131n") == "adm\u0131n"


# --- A name's keys fit their columns -------------------------------------------------------------------------

def test_a_name_that_outgrows_its_key_is_refused_with_a_clear_message():
    """ﷺ is one letter that NFKC spells out in 18: fifteen of them made a 270-character key, which
    PostgreSQL refused with an error page."""
    error = _english_error("\ufdfa" * 15)
    assert error.code == "username_length"
    assert "stand for whole words" in error.messages[0] and "\ufdfa" in error.messages[0]


def test_the_register_page_explains_a_name_that_outgrows_its_key():
    data = {"username": "\ufdfa" * 15, "email": "long@example.com", "password1": "青云门下弟子2024",
            "password2": "青云门下弟子2024"}
    response = english(Client()).post("/register/", data)
    assert response.status_code == 400
    assert "stand for whole words" in html.unescape(response.content.decode())
    assert Member.objects.count() == 0


@pytest.mark.parametrize("raw", ["\ufdfa" * 3, "\u0390" * 15, "\ucb94" * 15, "m" * 15, "\ufdfb" * 7, "ǆ" * 15])
def test_every_name_that_passes_fits_its_columns(raw):
    """What PostgreSQL enforces (SQLite does not): the stored keys are never longer than their columns."""
    name = services.check_username(raw)
    key_column = Member._meta.get_field("name_key").max_length
    skeleton_column = Member._meta.get_field("name_skeleton").max_length
    assert len(name_key(name)) <= key_column == NAME_KEY_MAX
    assert len(name_skeleton(name)) <= skeleton_column
    member = MemberFactory(username=name)
    member.full_clean(exclude=["password"])  # max_length checked as PostgreSQL would


def test_stored_skeletons_can_be_rebuilt_after_the_data_changed(admin_member):
    other = MemberFactory(username="张三")
    Member.objects.filter(pk=admin_member.pk).update(name_skeleton="stale")
    out = StringIO()
    call_command("rebuild_name_keys", stdout=out)
    assert "of 1 member(s) changed" in out.getvalue()
    admin_member.refresh_from_db()
    other.refresh_from_db()
    assert (admin_member.name_skeleton, other.name_skeleton) == (name_skeleton("admin"), name_skeleton("张三"))


def test_the_migration_fills_the_skeletons_of_existing_members():
    fill = importlib.import_module("luntan.accounts.migrations.0003_member_name_skeleton").fill_skeletons
    members = [MemberFactory(username=name) for name in ("admin", "张三", "ümit")]
    Member.objects.update(name_skeleton="")
    fill(apps, None)
    assert [m.name_skeleton for m in Member.objects.order_by("pk")] == [
        name_skeleton(m.username) for m in members]
