"""The shop a classic board starts with; prices and durations are site data the administrator edits."""

from django.db import migrations

ITEMS = [  # kind, name, description, price (财富, slot 1), hours, order
    ("highlight", "醒目卡", "让自己主题的标题变色,在列表里一眼就能看到", 20, 24, 10),
    ("sticky", "置顶卡", "把自己的主题在版块里置顶", 50, 6, 20),
    ("bump", "提升卡", "把自己的主题提到版块最新回复的最前面", 10, 24, 30),
    ("rename", "改名卡", "换一个用户名(旧名字会留在改名记录里)", 100, 24, 40),
]


def create(apps, schema_editor):
    Item = apps.get_model("items", "Item")
    coin = apps.get_model("credits", "CreditType").objects.filter(slot=1).first()
    if coin is None:
        return
    for kind, name, description, price, hours, order in ITEMS:
        Item.objects.get_or_create(kind=kind, defaults={
            "name": name, "description": description, "price": price, "price_type": coin, "hours": hours,
            "order": order})


class Migration(migrations.Migration):
    dependencies = [("items", "0001_initial"), ("credits", "0002_classic_economy")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
