from django.db import migrations, models


def cook_signatures(apps, schema_editor):
    """Signatures written before they were cooked (the demo's, an admin's) get their HTML, as BBCode."""
    from luntan.markup.cooking import cook

    Member = apps.get_model("accounts", "Member")
    for member in Member.objects.exclude(signature="").only("pk", "signature").iterator():
        Member.objects.filter(pk=member.pk).update(signature_html=cook(member.signature, fmt="bbcode"))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0012_notify_mentions_follows'),
    ]

    operations = [
        migrations.AddField(
            model_name='member',
            name='signature_format',
            field=models.CharField(default='bbcode', editable=False, max_length=10),
        ),
        migrations.AddField(
            model_name='member',
            name='signature_html',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        migrations.AddField(
            model_name='member',
            name='hide_signatures',
            field=models.BooleanField(default=False, verbose_name='hide signatures'),
        ),
        migrations.AddField(
            model_name='member',
            name='blog_public_count',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='public blog posts'),
        ),
        migrations.RunPython(cook_signatures, migrations.RunPython.noop, elidable=True),
    ]
