"""Members get a `name_skeleton` (what their name looks like, see accounts/names.py), filled here for the
members a site already has, so that a new look-alike name is found with one indexed query."""

from django.db import migrations, models

BATCH = 2000


def fill_skeletons(apps, schema_editor):
    # The live function, not a frozen copy: the skeleton must be computed exactly as save() will compute it.
    from luntan.accounts.names import name_skeleton

    Member = apps.get_model("accounts", "Member")
    batch = []
    for member in Member.objects.only("pk", "username").order_by("pk").iterator(chunk_size=BATCH):
        member.name_skeleton = name_skeleton(member.username)
        batch.append(member)
        if len(batch) >= BATCH:
            Member.objects.bulk_update(batch, ["name_skeleton"])
            batch = []
    Member.objects.bulk_update(batch, ["name_skeleton"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_default_groups")]

    operations = [
        migrations.AddField(
            model_name="member",
            name="name_skeleton",
            field=models.CharField(db_index=True, default="", editable=False, max_length=255),
            preserve_default=False,
        ),
        migrations.RunPython(fill_skeletons, migrations.RunPython.noop, elidable=True),
    ]
