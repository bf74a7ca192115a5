"""The economy a classic board starts with: five credit types, the usual rules and the settings row. All
of it is site data the administrator edits."""

from django.db import migrations

TYPES = [  # slot, name, unit, initial, on card, transferable, exchange ratio
    (1, "财富", "鼎币", 20, True, True, 1),
    (2, "威望", "点", 0, True, False, 0),
    (3, "贡献值", "点", 0, True, False, 0),
    (4, "会员币", "个", 0, True, True, 10),
    (5, "好评度", "点", 0, True, False, 0),
]

RULES = [  # action, cycle, length, times per cycle, {slot: amount}
    ("thread", "day", 1, 20, {1: 3, 3: 1}),
    ("reply", "day", 1, 50, {1: 1}),
    ("digest", "unlimited", 1, 0, {1: 10, 2: 5}),
    ("visit", "day", 1, 1, {1: 2}),
    ("checkin", "day", 1, 1, {3: 1}),
    ("mood", "day", 1, 20, {5: 1}),
    ("like", "day", 1, 20, {5: 1}),
    ("avatar", "once", 1, 1, {1: 5}),
    ("thread_deleted", "unlimited", 1, 0, {1: -3, 3: -1}),
    ("reply_deleted", "unlimited", 1, 0, {1: -1}),
]


def create(apps, schema_editor):
    CreditType = apps.get_model("credits", "CreditType")
    CreditRule = apps.get_model("credits", "CreditRule")
    RuleAmount = apps.get_model("credits", "RuleAmount")
    EconomySettings = apps.get_model("credits", "EconomySettings")
    types = {}
    for slot, name, unit, initial, on_card, transferable, ratio in TYPES:
        types[slot], _ = CreditType.objects.get_or_create(slot=slot, defaults={
            "name": name, "unit": unit, "initial": initial, "on_card": on_card, "transferable": transferable,
            "exchange_ratio": ratio})
    for action, cycle, length, times, amounts in RULES:
        rule, created = CreditRule.objects.get_or_create(action=action, defaults={
            "cycle": cycle, "cycle_length": length, "max_per_cycle": times})
        if created:
            for slot, amount in amounts.items():
                RuleAmount.objects.create(rule=rule, credit_type=types[slot], amount=amount)
    EconomySettings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("credits", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
