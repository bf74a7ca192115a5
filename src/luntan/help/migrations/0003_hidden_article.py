"""The default article on hidden and paid content (luntan.hidden), for help centres installed before it: added
under 发帖与排版 unless an article of that title is already there."""

from django.db import migrations


def create(apps, schema_editor):
    from luntan.help.defaults import HIDDEN_ARTICLE, HIDDEN_TITLE
    from luntan.markup.cooking import cook

    Article = apps.get_model("help", "Article")  # noqa: N806 -- the migration's historical model
    if Article.objects.filter(title=HIDDEN_TITLE).exists():
        return
    parent = Article.objects.filter(parent=None, title="发帖与排版").first()
    if parent is None:
        return  # the admin changed the help centre: leave it as it is
    order = (Article.objects.filter(parent=parent).order_by("-order").values_list("order", flat=True).first() or 0) + 10
    Article.objects.create(parent=parent, title=HIDDEN_TITLE, order=order, fmt="markdown", source=HIDDEN_ARTICLE,
                           html=cook(HIDDEN_ARTICLE, fmt="markdown"))


class Migration(migrations.Migration):
    dependencies = [("help", "0002_default_articles")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
