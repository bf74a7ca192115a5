from django.contrib import admin

from luntan.core.adminkit import ThroughServices
from luntan.reactions import services
from luntan.reactions.models import Mood


@admin.register(Mood)
class MoodAdmin(ThroughServices):
    """The moods under every thread: names, icons, order and what each does to credits."""

    list_display = ["name", "icon", "order", "enabled", "author_credit", "author_amount", "voter_credit",
                    "voter_amount"]
    list_editable = ["order", "enabled"]
    fields = ["name", "icon", "order", "enabled", "author_credit", "author_amount", "voter_credit", "voter_amount"]

    def save_model(self, request, obj, form, change) -> None:
        services.mood_save(by=request.user, mood=obj)

    def delete_model(self, request, obj) -> None:
        services.mood_delete(by=request.user, mood=obj)
