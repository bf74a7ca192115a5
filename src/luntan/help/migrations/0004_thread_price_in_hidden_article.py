"""The thread price (主题售价) in the default article on hidden and paid content: an article still exactly as it
was installed gets the new section; one the admin edited is left as it is."""

from django.db import migrations


def update(apps, schema_editor):
    from luntan.help.defaults import ARTICLE_BEFORE_THREAD_PRICE, HIDDEN_ARTICLE, HIDDEN_TITLE
    from luntan.markup.cooking import cook

    Article = apps.get_model("help", "Article")  # noqa: N806 -- the migration's historical model
    html = cook(HIDDEN_ARTICLE, fmt="markdown")
    Article.objects.filter(title=HIDDEN_TITLE, source=ARTICLE_BEFORE_THREAD_PRICE).update(source=HIDDEN_ARTICLE,
                                                                                          html=html)


class Migration(migrations.Migration):
    dependencies = [("help", "0003_hidden_article")]
    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
