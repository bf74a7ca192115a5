from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from luntan.checkin import services
from luntan.checkin.models import CheckInSettings
from luntan.core.adminkit import ThroughServices


@admin.register(CheckInSettings)
class CheckInSettingsAdmin(ThroughServices):
    """The one settings row: it cannot be added twice or deleted, and is saved through the service."""

    list_display = ["__str__", "enabled", "credit_type", "reward_base", "reward_step", "reward_max"]
    fieldsets = [
        (None, {"fields": ["enabled", "credit_type", "sentence_max_chars"]}),
        (_("Reward"), {"fields": ["reward_base", "reward_step", "reward_max"]}),
        (_("Early-bird bonus"), {"fields": ["bonus_first", "bonus_second", "bonus_third"]}),
    ]

    def has_add_permission(self, request) -> bool:
        return not CheckInSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        services.checkin_settings_save(by=request.user, row=obj)
