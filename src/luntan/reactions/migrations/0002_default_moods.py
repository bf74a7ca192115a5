"""The classic page's seven moods. Each gives the thread's author 1 好评度 and the voter 1 贡献值, except 灌水,
which costs the author 2 好评度. Site data the administrator edits."""

from django.db import migrations

MOODS = [  # name, icon, order, author amount (好评度), voter amount (贡献值)
    ("精彩", "👍", 1, 1, 1),
    ("感动", "😭", 2, 1, 1),
    ("搞笑", "😂", 3, 1, 1),
    ("开心", "😊", 4, 1, 1),
    ("愤怒", "😠", 5, 1, 1),
    ("无聊", "😴", 6, 1, 1),
    ("灌水", "💧", 7, -2, 0),
]
AUTHOR_TYPE, VOTER_TYPE = "好评度", "贡献值"


def create(apps, schema_editor):
    Mood = apps.get_model("reactions", "Mood")
    CreditType = apps.get_model("credits", "CreditType")
    types = {t.name: t for t in CreditType.objects.filter(name__in=[AUTHOR_TYPE, VOTER_TYPE])}
    for name, icon, order, author_amount, voter_amount in MOODS:
        author_type, voter_type = types.get(AUTHOR_TYPE), types.get(VOTER_TYPE)
        Mood.objects.get_or_create(name=name, defaults={
            "icon": icon, "order": order,
            "author_credit": author_type, "author_amount": author_amount if author_type else 0,
            "voter_credit": voter_type if voter_amount else None,
            "voter_amount": voter_amount if voter_type else 0})


class Migration(migrations.Migration):
    dependencies = [("reactions", "0001_initial"), ("credits", "0002_classic_economy")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
