"""The medals a classic board starts with; all of them site data the administrator edits."""

from django.db import migrations

MEDALS = [  # name, description, badge, rule, threshold, price (财富, slot 1), order
    ("沙发王", "抢到一百个沙发(二楼)的眼疾手快之人", "sofa", "sofas", 100, 0, 10),
    ("忠实会员", "连续签到七天,风雨无阻", "heart", "checkin_streak", 7, 0, 20),
    ("灌水达人", "发帖一千,灌水不止", "drop", "posts", 1000, 0, 30),
    ("精华作者", "十个主题被评为精华", "star", "digests", 10, 0, 40),
    ("土豪勋章", "用财富买来的荣耀,低调奢华", "coin", "", 0, 500, 50),
    ("荣誉版主", "为论坛付出良多的版主,由管理员颁发", "shield", "", 0, 0, 60),
]


def create(apps, schema_editor):
    Medal = apps.get_model("medals", "Medal")
    CreditType = apps.get_model("credits", "CreditType")
    coin = CreditType.objects.filter(slot=1).first()
    for name, description, badge, rule, threshold, price, order in MEDALS:
        Medal.objects.get_or_create(name=name, defaults={
            "description": description, "badge": badge, "rule": rule, "threshold": threshold,
            "price": price if coin else 0, "price_type": coin if price else None, "order": order})


class Migration(migrations.Migration):
    dependencies = [("medals", "0001_initial"), ("credits", "0002_classic_economy")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
