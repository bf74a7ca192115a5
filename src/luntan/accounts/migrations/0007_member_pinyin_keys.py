"""Members get their name in pinyin, whole and by initials (乔吉奎: qiaojikui, qjk), for the member list's
search; filled here, in batches, for the members a site already has."""

from django.db import migrations, models

BATCH = 2000


def fill_pinyin(apps, schema_editor):
    # The live functions, not frozen copies: the keys must be computed exactly as save() will compute them.
    from luntan.accounts.names import name_initials, name_pinyin

    Member = apps.get_model("accounts", "Member")
    last_pk = 0
    while True:
        members = list(Member.objects.filter(pk__gt=last_pk).order_by("pk").only("pk", "username")[:BATCH])
        if not members:
            return
        for member in members:
            member.name_pinyin = name_pinyin(member.username)
            member.name_initials = name_initials(member.username)
        Member.objects.bulk_update(members, ["name_pinyin", "name_initials"])
        last_pk = members[-1].pk


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_level_thresholds")]

    operations = [
        migrations.AddField(
            model_name="member",
            name="name_initials",
            field=models.CharField(db_index=True, default="", editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name="member",
            name="name_pinyin",
            field=models.CharField(db_index=True, default="", editable=False, max_length=255),
        ),
        migrations.RunPython(fill_pinyin, migrations.RunPython.noop, elidable=True),
    ]
