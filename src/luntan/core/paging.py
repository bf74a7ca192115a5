"""Page numbers from URLs: anything that is not a sensible page number means page 1 or the last page,
never an error page."""

from dataclasses import dataclass


def page_number(raw: str | None, *, last: int) -> int:
    """The page asked for, clamped to 1..last. 'last' is accepted too, as members link to it."""
    if raw == "last":
        return max(last, 1)
    try:
        number = int(str(raw).strip()[:12])
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), max(last, 1))


def page_count(total: int, per_page: int) -> int:
    return max((total + per_page - 1) // per_page, 1)


@dataclass(frozen=True)
class Pages:
    number: int
    count: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count

    def window(self, around: int = 3) -> list[int | None]:
        """Page links to show: the first, the last, and a few around the current one (None = a gap)."""
        shown = {1, self.count, *range(self.number - around, self.number + around + 1)}
        pages: list[int | None] = []
        previous = 0
        for n in sorted(p for p in shown if 1 <= p <= self.count):
            if n - previous > 1:
                pages.append(None)
            pages.append(n)
            previous = n
        return pages
