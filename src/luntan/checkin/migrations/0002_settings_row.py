"""The settings row the admin edits (defaults as PHPWind's 每日打卡; the reward in slot 1, 财富)."""

from django.db import migrations


def create(apps, schema_editor):
    apps.get_model("checkin", "CheckInSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("checkin", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
