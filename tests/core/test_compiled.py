"""Queries compiled once: each later call runs the same SQL with its own values and gets what the ORM would
have given, constants of the query included."""

from django.db.models import CharField, Value
from factories import MemberFactory

from luntan.accounts.models import Member
from luntan.core.compiled import CompiledQuery


def test_each_call_gets_its_own_rows_from_one_compilation(db, django_assert_num_queries):
    first, second = MemberFactory(), MemberFactory()
    built = []

    def build(pk, level):
        built.append(pk)
        return (Member.objects.filter(pk=pk, is_active=True).exclude(post_count__gt=level)
                .annotate(tag=Value("甲", output_field=CharField())).values_list("pk", "username", "tag"))

    compiled = CompiledQuery(Member, build)
    assert compiled.rows(first.pk, 10) == [(first.pk, first.username, "甲")]
    compilations = len(built)
    with django_assert_num_queries(1):
        assert compiled.rows(second.pk, 10) == [(second.pk, second.username, "甲")]
    assert compiled.first(second.pk, -1) is None  # the second value is used as well
    assert compiled.first(0, 10) is None
    assert len(built) == compilations  # the ORM built the query only for the first call
