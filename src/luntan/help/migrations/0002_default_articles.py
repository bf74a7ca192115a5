"""The help centre's default articles (luntan.help.defaults): the site's own rules, their numbers filled from
the live settings when shown."""

from django.db import migrations


def create(apps, schema_editor):
    from luntan.help.defaults import install
    from luntan.markup.cooking import cook

    install(apps.get_model("help", "Article"), cook)


class Migration(migrations.Migration):
    dependencies = [("help", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
