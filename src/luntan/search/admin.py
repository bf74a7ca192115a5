"""The administrator's search dictionary: words that must stay whole when text is cut into words. Written
through luntan.search.services."""

from django.contrib import admin

from luntan.core.adminkit import ThroughServices
from luntan.search import services
from luntan.search.models import SearchWord


@admin.register(SearchWord)
class SearchWordAdmin(ThroughServices):
    list_display = ["word", "added_at", "added_by"]
    search_fields = ["word"]
    fields = ["word"]

    def get_readonly_fields(self, request, obj=None):
        return ["word"] if obj is not None else []  # a word is added or removed, never changed

    def save_model(self, request, obj, form, change):
        if not change:
            obj.pk = services.search_word_add(member=request.user, word=obj.word).pk

    def delete_model(self, request, obj):
        services.search_word_remove(member=request.user, word=obj)
