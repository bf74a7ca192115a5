from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from luntan.core.adminkit import ThroughServices
from luntan.hidden import services
from luntan.hidden.models import FloorPart, Purchase


@admin.register(FloorPart)
class FloorPartAdmin(ThroughServices):
    """Parts are written with their floor and bought on the thread page: the admin reads them, and can rebuild
    their buyer counts from the purchases."""

    list_display = ["floor", "number", "kind", "amount", "buyer_count"]
    list_filter = ["kind"]
    fields = readonly_fields = ("floor", "number", "kind", "amount", "buyer_count")
    actions = ["recount"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Recount the buyers from the purchases"))
    def recount(self, request, queryset) -> None:
        changed = services.buyers_recount()
        self.message_user(request, _("%(count)s buyer counts corrected.") % {"count": changed}, messages.SUCCESS)


@admin.register(Purchase)
class PurchaseAdmin(ThroughServices):
    list_display = ["buyer", "floor", "number", "price", "tax", "created_at"]
    fields = readonly_fields = ("buyer", "floor", "number", "credit_type_id", "price", "tax", "created_at")
    raw_id_fields = ["buyer"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
