from django.contrib import admin

from luntan.core.adminkit import ThroughServices
from luntan.help import services
from luntan.help.models import Article


@admin.register(Article)
class ArticleAdmin(ThroughServices):
    """Help articles, saved and deleted through the services (the text cooked, the tree kept a tree)."""

    list_display = ["title", "parent", "order", "fmt", "updated_at"]
    list_filter = ["parent"]
    search_fields = ["title"]
    fields = ["parent", "title", "order", "fmt", "source"]

    def save_model(self, request, obj, form, change) -> None:
        services.article_save(by=request.user, article=obj)

    def delete_model(self, request, obj) -> None:
        services.article_delete(by=request.user, article=obj)
