"""The administrator's items: price, duration, stock, daily limit, enabled. Saved through
luntan.items.services; inventories, purchases and effects are shown, never edited by hand."""

from django.contrib import admin

from luntan.core.adminkit import ReadOnly, ThroughServices
from luntan.items import services
from luntan.items.models import Effect, Item, NameChange


@admin.register(Item)
class ItemAdmin(ThroughServices, admin.ModelAdmin):
    list_display = ["name", "kind", "price", "price_type", "hours", "stock", "daily_limit", "enabled", "order"]
    list_editable = ["enabled", "order"]

    def save_model(self, request, obj, form, change):
        services.item_save(by=request.user, item=obj)

    def delete_model(self, request, obj):
        services.item_delete(by=request.user, item=obj)


@admin.register(Effect)
class EffectAdmin(ReadOnly):
    list_display = ["thread", "kind", "member", "started_at", "ends_at", "active"]
    list_filter = ["active", "kind"]
    list_select_related = ["thread", "member"]


@admin.register(NameChange)
class NameChangeAdmin(ReadOnly):
    list_display = ["member", "old_name", "new_name", "changed_at"]
    search_fields = ["old_name", "new_name"]
    list_select_related = ["member"]
