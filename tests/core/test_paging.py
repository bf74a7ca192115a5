import pytest

from luntan.core.display import floor_label
from luntan.core.paging import Pages, page_count, page_number


@pytest.mark.parametrize(("raw", "expected"), [
    (None, 1), ("", 1), ("2", 2), ("abc", 1), ("-4", 1), ("0", 1), ("7", 5), ("last", 5), ("1e9", 1),
    ("9" * 40, 5), (" 3 ", 3), ("３", 3),
])
def test_page_number_is_always_a_real_page(raw, expected):
    assert page_number(raw, last=5) == expected


def test_page_count():
    assert [page_count(n, 20) for n in (0, 1, 20, 21, 100_000)] == [1, 1, 1, 2, 5000]


def test_page_window_shows_ends_and_neighbours():
    assert Pages(number=10, count=20).window(2) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert Pages(number=1, count=3).window() == [1, 2, 3]


def test_floor_labels_in_both_languages():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert [floor_label(n) for n in (1, 2, 3, 4, 5, 123)] == ["楼主", "沙发", "板凳", "地板", "5楼", "123楼"]
    with translation.override("en"):
        assert [floor_label(n) for n in (1, 2, 5)] == ["Original post", "Sofa", "Floor 5"]

