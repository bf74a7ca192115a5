"""The standard groups get a stable `role`, so code finds "the administrators' group" however an
administrator has renamed it. A group is recognised by the name 0002_default_groups gave it, or, if it was
renamed before this migration ran, by the kind and order it was created with."""

from django.db import migrations, models

ROLES = [
    # role, name given by 0002_default_groups, its kind and order
    ("admin", "管理员", "system", 1),
    ("super_moderator", "超级版主", "system", 2),
    ("moderator", "版主", "system", 3),
    ("silenced", "禁止发言", "system", 4),
    ("newcomer", "新手上路", "member", 10),
    ("registered", "注册会员", "member", 11),
    ("intermediate", "中级会员", "member", 12),
    ("senior", "高级会员", "member", 13),
    ("gold", "金牌会员", "member", 14),
    ("veteran", "论坛元老", "member", 15),
]


def set_roles(apps, schema_editor):
    MemberGroup = apps.get_model("accounts", "MemberGroup")
    for role, name, kind, order in ROLES:
        group = (MemberGroup.objects.filter(name=name, role="").first()
                 or MemberGroup.objects.filter(kind=kind, order=order, role="").order_by("id").first())
        if group is not None:
            group.role = role
            group.save(update_fields=["role"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_member_name_skeleton")]

    operations = [
        migrations.AddField(
            model_name="membergroup",
            name="role",
            field=models.CharField(
                blank=True, choices=[("admin", "administrators"), ("super_moderator", "super moderators"),
                                     ("moderator", "moderators"), ("silenced", "silenced members"),
                                     ("newcomer", "newcomers"), ("registered", "registered members"),
                                     ("intermediate", "intermediate members"), ("senior", "senior members"),
                                     ("gold", "gold members"), ("veteran", "veterans")],
                default="", editable=False, max_length=20, verbose_name="role",
            ),
        ),
        migrations.AddConstraint(
            model_name="membergroup",
            constraint=models.UniqueConstraint(condition=models.Q(("role", ""), _negated=True), fields=("role",),
                                               name="membergroup_role_unique"),
        ),
        migrations.RunPython(set_roles, migrations.RunPython.noop),
    ]
