"""The medals as every page reads them: the whole table, kept in memory under the "medals" version
(luntan.core.pagecache.kept_table). The services that change a medal bump it after commit."""

from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.templatetags.static import static

from luntan.core import pagecache
from luntan.medals.models import Medal

SCOPE = "medals"
_badge_urls: dict[str, str] = {}


@dataclass(frozen=True)
class MedalInfo:
    id: int
    name: str
    description: str
    image_name: str
    badge: str
    rule: str
    threshold: int
    price: int
    price_type_id: int | None
    enabled: bool
    order: int

    @property
    def image_url(self) -> str:
        """The uploaded image, else the built-in badge (its hashed static name, looked up once per process)."""
        if self.image_name:
            return default_storage.url(self.image_name)
        found = _badge_urls.get(self.badge)
        if found is None:
            found = _badge_urls[self.badge] = static(f"medals/badges/{self.badge or 'star'}.svg")
        return found

    @property
    def for_sale(self) -> bool:
        return self.price > 0 and self.price_type_id is not None


def _read() -> dict[int, MedalInfo]:
    return {m.pk: MedalInfo(id=m.pk, name=m.name, description=m.description, image_name=m.image.name or "",
                            badge=m.badge, rule=m.rule, threshold=m.threshold, price=m.price,
                            price_type_id=m.price_type_id, enabled=m.enabled, order=m.order)
            for m in Medal.objects.order_by("order", "id")}


def medals() -> dict[int, MedalInfo]:
    """Every medal by id, in display order (enabled or not: a held medal that was disabled is not shown)."""
    return pagecache.kept_table(SCOPE, _read, size=16384, name="all")


def automatic() -> list[MedalInfo]:
    return [m for m in medals().values() if m.enabled and m.rule and m.threshold > 0]


def changed() -> None:
    """Call inside the transaction that changed a medal."""
    pagecache.bump(SCOPE)
