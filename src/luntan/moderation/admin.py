"""The moderation log in the admin: read only (records are written by the services, never edited)."""

from django.contrib import admin

from luntan.core.adminkit import ReadOnly
from luntan.moderation.models import ModerationLog


@admin.register(ModerationLog)
class ModerationLogAdmin(ReadOnly):
    list_display = ("created_at", "actor_name", "action", "subject", "floor_number", "board", "detail", "reason")
    list_filter = ("action", "board")
    search_fields = ("actor_name", "subject", "reason")
    date_hierarchy = "created_at"
    list_select_related = ("board",)
