"""Attachments and purchases are shown to administrators, never edited by hand: a price is the uploader's,
a purchase is in the ledger."""

from django.contrib import admin

from luntan.attachments.models import Attachment, Purchase
from luntan.core.adminkit import ReadOnly


@admin.register(Attachment)
class AttachmentAdmin(ReadOnly):
    list_display = ["name", "kind", "owner", "size", "floor", "price", "download_count", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["owner"]
    raw_id_fields = ["floor"]


@admin.register(Purchase)
class PurchaseAdmin(ReadOnly):
    list_display = ["attachment", "member", "price", "created_at"]
    list_select_related = ["attachment", "member"]
