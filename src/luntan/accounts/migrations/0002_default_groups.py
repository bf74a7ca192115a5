"""The groups every Discuz!-style site starts with. Their names are site data that admins rename."""

from django.db import migrations

GROUPS = [
    # name, kind, colour, default, order
    ("管理员", "system", "#d0021b", False, 1),
    ("超级版主", "system", "#1e8e3e", False, 2),
    ("版主", "system", "#1a57d6", False, 3),
    ("禁止发言", "system", "", False, 4),
    ("新手上路", "member", "", True, 10),
    ("注册会员", "member", "", False, 11),
    ("中级会员", "member", "", False, 12),
    ("高级会员", "member", "", False, 13),
    ("金牌会员", "member", "", False, 14),
    ("论坛元老", "member", "", False, 15),
]


def create_groups(apps, schema_editor):
    MemberGroup = apps.get_model("accounts", "MemberGroup")
    for name, kind, color, default, order in GROUPS:
        MemberGroup.objects.get_or_create(
            name=name, defaults={"kind": kind, "color": color, "is_default": default, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
