from django.db import migrations
from django.db.models import Count, Q


def count_public_posts(apps, schema_editor):
    """Fills the members' count of public blog posts (the author card's link to the 博客)."""
    Member = apps.get_model("accounts", "Member")
    BlogPost = apps.get_model("blog", "BlogPost")
    counts = (BlogPost.objects.filter(visibility="public").values("author_id")
              .annotate(n=Count("pk", filter=Q(visibility="public"))))
    for row in counts:
        Member.objects.filter(pk=row["author_id"]).update(blog_public_count=row["n"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0013_sign_signature_html_blog_count'),
        ('blog', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(count_public_posts, migrations.RunPython.noop, elidable=True),
    ]
