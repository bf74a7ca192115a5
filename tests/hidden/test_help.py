"""The help centre's article on hidden and paid content states the site's live numbers."""

from luntan.core import pagecache
from luntan.credits.models import CreditType, EconomySettings
from luntan.help.defaults import HIDDEN_TITLE
from luntan.help.models import Article


def test_the_article_follows_the_currency_the_maximum_and_the_tax(db, client, settings):
    article = Article.objects.get(title=HIDDEN_TITLE)
    assert article.parent.title == "发帖与排版"
    coin = CreditType.objects.get(slot=1)
    EconomySettings.objects.update_or_create(pk=1, defaults={"transfer_tax_percent": 17})
    settings.LUNTAN = {**settings.LUNTAN, "SELL_MAX_PRICE": 345}
    pagecache.bump_now("economy")
    text = client.get(f"/help/{article.pk}/").content.decode()
    assert f"<strong>{coin.name}</strong>" in text
    assert f"345 {coin.unit}".strip() in text
    assert "17%" in text
    assert "{{ hidden." not in text
