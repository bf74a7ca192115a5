"""主题最高售价 per group: the staff's as Discuz! ships them (管理员 30, 超级版主 20, 版主 10), the member levels
rising from 0 for newcomers (a new account cannot sell) to 30; silenced members and guests 0. Site data the
administrator edits."""

from django.db import migrations, models

MAX_PRICES = {"admin": 30, "super_moderator": 20, "moderator": 10, "registered": 5, "intermediate": 10,
              "senior": 15, "gold": 20, "veteran": 30}


def set_prices(apps, schema_editor):
    MemberGroup = apps.get_model("accounts", "MemberGroup")
    for role, price in MAX_PRICES.items():
        MemberGroup.objects.filter(role=role).update(max_thread_price=price)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0013_sign_signature_html_blog_count'),
    ]

    operations = [
        migrations.AddField(
            model_name='membergroup',
            name='max_thread_price',
            field=models.PositiveIntegerField(default=0, help_text='0: members of this group may not sell threads.', verbose_name='highest thread price'),
        ),
        migrations.RunPython(set_prices, migrations.RunPython.noop),
    ]
