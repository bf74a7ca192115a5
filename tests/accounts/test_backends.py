"""The member behind a session, read on every member's page with SQL compiled once."""

from luntan.accounts.backends import UsernameOrEmailBackend


def test_the_session_member_is_read_whole_in_one_query(member, django_assert_num_queries):
    backend = UsernameOrEmailBackend()
    backend.get_user(member.pk)  # compiles the query once
    with django_assert_num_queries(1):
        found = backend.get_user(str(member.pk))
    assert found == member
    assert (found.username, found.email, found.group_id, found.password, found.is_active) == (
        member.username, member.email, member.group_id, member.password, True)
    assert not found._state.adding and found._state.db == "default"


def test_a_disabled_missing_or_garbled_member_is_nobody(member):
    backend = UsernameOrEmailBackend()
    type(member).objects.filter(pk=member.pk).update(is_active=False)
    assert backend.get_user(member.pk) is None
    assert backend.get_user(member.pk + 1000) is None
    assert backend.get_user("abc") is None and backend.get_user(None) is None


def test_a_disabled_member_is_signed_out_of_their_pages(member, member_client):
    assert 'action="/logout/"' in member_client.get("/").content.decode()
    type(member).objects.filter(pk=member.pk).update(is_active=False)
    assert 'action="/logout/"' not in member_client.get("/").content.decode()
