"""The wheel as the server draws it: one SVG slice per slot, all of the same size (the odds are in the table
next to it, exactly), and the angle that puts a chosen slot under the pointer at the top.

Angles are degrees clockwise from the top. Slice i of n spans [i·360/n, (i+1)·360/n). The wheel turned
clockwise by `turn` shows, under the pointer, the point that was at angle -turn (mod 360)."""

import math
from dataclasses import dataclass

SIZE = 200
CENTER = SIZE / 2
RADIUS = 94
LABEL_FROM = 24  # labels run outward from here along each slice's middle
LABEL_ROOM = 64
FULL_TURNS = 5  # how many whole turns the animation adds before it lands
COLOURS = 8  # wheel.css has .slice-0 .. .slice-7


@dataclass(frozen=True)
class Slice:
    index: int
    name: str
    path: str  # the slice's outline (empty for a wheel of one slot: then it is a circle)
    middle: float  # the angle of the slice's middle
    font: float
    colour: int
    empty: bool  # out of stock (weighs 0): shown greyed


@dataclass(frozen=True)
class Wheel:
    slices: list[Slice]
    turn: float  # the angle the wheel is drawn at: at rest, or the landing angle of a result
    chosen: int | None  # the slot under the pointer, when showing a result
    rest: float  # the angle of a wheel waiting for a spin: slot 1's middle under the pointer

    @property
    def spin_from(self) -> float:
        """Where the turning starts, relative to `turn`: from the rest angle, whole turns back, so that
        the wheel turns clockwise from where it waited to where it lands."""
        return round((self.rest - self.turn) % 360 - 360 * (FULL_TURNS + 1), 3)


def _point(angle: float, radius: float) -> tuple[float, float]:
    rad = math.radians(angle)
    return CENTER + radius * math.sin(rad), CENTER - radius * math.cos(rad)


def _path(start: float, end: float) -> str:
    x0, y0 = _point(start, RADIUS)
    x1, y1 = _point(end, RADIUS)
    large = 1 if end - start > 180 else 0
    return (f"M{CENTER:g},{CENTER:g} L{x0:.2f},{y0:.2f} A{RADIUS},{RADIUS} 0 {large} 1 {x1:.2f},{y1:.2f} Z")


def slice_span(index: int, count: int) -> tuple[float, float]:
    width = 360 / count
    return index * width, (index + 1) * width


def landing_turn(index: int, count: int, jitter: float = 0.0) -> float:
    """The clockwise turn (0 <= turn < 360) that brings slot `index` under the pointer. `jitter` in [-1, 1]
    moves the landing point off the slice's middle, at most 35% of the way to its edge, so that the wheel
    does not always stop dead centre."""
    start, end = slice_span(index, count)
    middle = (start + end) / 2
    target = middle + max(-1.0, min(1.0, jitter)) * 0.35 * (end - start) / 2
    return round((360 - target) % 360, 3)


def under_pointer(turn: float, count: int) -> int:
    """Which slot is under the pointer when the wheel has turned `turn` degrees: the inverse of
    landing_turn, used by the tests."""
    angle = (-turn) % 360
    return min(int(angle // (360 / count)), count - 1)


def wheel(entries: list[tuple[str, bool]], *, chosen: int | None = None, jitter: float = 0.0) -> Wheel:
    """`entries`: (name, out of stock) per slot in table order."""
    count = len(entries)
    slices = []
    for i, (name, empty) in enumerate(entries):
        start, end = slice_span(i, count)
        font = max(6.0, min(12.0, LABEL_ROOM / max(len(name), 1)))
        slices.append(Slice(index=i, name=name, path="" if count == 1 else _path(start, end),
                            middle=round((start + end) / 2, 3), font=round(font, 2), colour=i % COLOURS,
                            empty=empty))
    rest = landing_turn(0, count) if count else 0.0
    if chosen is None or not 0 <= chosen < count:
        return Wheel(slices=slices, turn=rest, chosen=None, rest=rest)
    return Wheel(slices=slices, turn=landing_turn(chosen, count, jitter), chosen=chosen, rest=rest)


def jitter_of(roll: int) -> float:
    """A landing offset in [-1, 1) that follows from the spin's ticket, so a page shows a spin the same way
    every time."""
    return ((roll * 7919) % 2000) / 1000 - 1
