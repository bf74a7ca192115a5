"""Admin pages for the forum's structure. Members' posts are changed on the site, through the services;
here admins arrange categories and boards and appoint moderators."""

from django.contrib import admin

from luntan.core import pagecache
from luntan.forum import services
from luntan.forum.models import Board, Category, Thread


class BoardInline(admin.TabularInline):
    model = Board
    fields = ["name", "description", "parent", "order"]
    extra = 0
    show_change_link = True


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    inlines = [BoardInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        pagecache.bump("site")


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "parent", "order", "thread_count", "post_count", "moderator_names"]
    list_filter = ["category"]
    list_editable = ["order"]
    search_fields = ["name"]
    fields = ["category", "parent", "name", "description", "order", "moderators"]
    filter_horizontal = ["moderators"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        board = form.instance
        services.board_moderators_set(board=board, members=list(board.moderators.all()))


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    """Read-mostly: moderation has its own tools on the site; the admin can still fix a flag."""

    list_display = ["title", "board", "author", "created_at", "reply_count", "sticky", "digest", "is_locked",
                    "is_deleted"]
    list_filter = ["board", "is_locked", "is_deleted", "digest"]
    search_fields = ["title"]
    fields = ["title", "board", "sticky", "digest", "is_locked", "highlight", "is_deleted"]
    readonly_fields = ["board"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        pagecache.bump("site", f"board:{obj.board_id}", f"thread:{obj.pk}")
