"""The wheel a new site starts with: 10 财富 a spin and eight slots, three of them 谢谢参与, small and larger
财富 prizes, a 威望 prize and a rare jackpot with a stock of 5. Weights add up to 1000, so a weight reads as
‰. All of it is site data the administrator edits."""

from django.db import migrations

SLOTS = [  # position, name, credit type slot (None: nothing), amount, weight, stock
    (1, "谢谢参与", None, 0, 260, None),
    (2, "5 鼎币", 1, 5, 220, None),
    (3, "谢谢参与", None, 0, 200, None),
    (4, "15 鼎币", 1, 15, 140, None),
    (5, "谢谢参与", None, 0, 100, None),
    (6, "威望 +1", 2, 1, 40, None),
    (7, "50 鼎币", 1, 50, 38, None),
    (8, "头奖 888", 1, 888, 2, 5),
]


def create(apps, schema_editor):
    CreditType = apps.get_model("credits", "CreditType")
    WheelSettings = apps.get_model("wheel", "WheelSettings")
    Slot = apps.get_model("wheel", "Slot")
    types = {t.slot: t for t in CreditType.objects.all()}
    WheelSettings.objects.get_or_create(pk=1, defaults={"enabled": True, "cost_type": types.get(1), "cost_amount": 10})
    if Slot.objects.exists():
        return
    for position, name, type_slot, amount, weight, stock in SLOTS:
        kind = types.get(type_slot) if type_slot else None
        Slot.objects.create(position=position, name=name, prize_type=kind, prize_amount=amount if kind else 0,
                            weight=weight, stock=stock)


class Migration(migrations.Migration):
    dependencies = [("wheel", "0001_initial"), ("credits", "0002_classic_economy")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
