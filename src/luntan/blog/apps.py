from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    name = "luntan.blog"
    label = "blog"
    verbose_name = _("Blogs")

    def ready(self) -> None:
        from luntan.accounts.cards import register_links
        from luntan.blog.cards import blog_links
        from luntan.core.menu import register_menu

        register_links(blog_links)
        register_menu(order=80, url_name="blog:index", label=_("Blogs"))
