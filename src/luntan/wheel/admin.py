"""The lucky wheel in the Django admin: the price and the prize table, written through the services.
Spins are shown read-only; seeds are not shown at all (an active server seed is a secret)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from luntan.core.adminkit import ReadOnly, ThroughServices
from luntan.wheel import services
from luntan.wheel.models import Slot, Spin, WheelSettings


@admin.register(WheelSettings)
class WheelSettingsAdmin(ThroughServices, admin.ModelAdmin):
    list_display = ["__str__", "enabled", "cost_type", "cost_amount"]
    fields = ["enabled", "cost_type", "cost_amount"]

    def has_add_permission(self, request) -> bool:
        return not WheelSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        services.wheel_settings_save(by=request.user, row=obj)


@admin.register(Slot)
class SlotAdmin(ThroughServices, admin.ModelAdmin):
    list_display = ["name", "position", "prize_type", "prize_amount", "weight", "stock"]
    list_editable = ["position", "weight", "stock"]
    fields = ["position", "name", "prize_type", "prize_amount", "weight", "stock"]
    ordering = ["position", "id"]

    def save_model(self, request, obj, form, change):
        services.slot_save(by=request.user, slot=obj)

    def delete_model(self, request, obj):
        services.slot_delete(by=request.user, slot=obj)


@admin.register(Spin)
class SpinAdmin(ReadOnly):
    list_display = ["id", "member", "nonce", "slot_name", "prize_type", "prize_amount", "cost_amount", "created_at"]
    list_select_related = ["member", "prize_type"]
    search_fields = ["member__username", "=member__id"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = ("member", "seed", "nonce", "client_seed", "index", "roll", "slot_name", "prize_type", "prize_amount",
              "cost_type", "cost_amount", "day", "created_at", "table")
    readonly_fields = fields
    verbose_name = _("spin")
