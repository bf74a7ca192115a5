"""The administrator's medals: definitions, and the medals members hold (adding one grants it by hand,
with a reason; deleting one takes it back). Every write goes through luntan.medals.services."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from luntan.core.adminkit import ThroughServices
from luntan.medals import services
from luntan.medals.models import Medal, MemberMedal, check_image


class MedalForm(forms.ModelForm):
    class Meta:
        model = Medal
        fields = ["name", "description", "image", "badge", "rule", "threshold", "price", "price_type", "enabled",
                  "order"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload (Pillow has read it: ImageField)
            check_image(image)
            if (getattr(image, "image", None) and image.image.format or "").upper() not in (
                    "PNG", "GIF", "JPEG", "WEBP"):
                raise forms.ValidationError(_("Upload a PNG, GIF, JPEG or WebP image."), code="image_format")
        return image

    def clean(self):
        data = super().clean() or {}
        if data.get("price") and not data.get("price_type"):
            self.add_error("price_type", _("Choose the credit type the price is paid in."))
        if data.get("rule") and not data.get("threshold"):
            self.add_error("threshold", _("An automatic medal needs a figure of at least 1."))
        return data


@admin.register(Medal)
class MedalAdmin(ThroughServices, admin.ModelAdmin):
    form = MedalForm
    list_display = ["name", "rule", "threshold", "price", "price_type", "enabled", "order"]
    list_editable = ["enabled", "order"]
    list_filter = ["enabled", "rule"]

    def save_model(self, request, obj, form, change):
        services.medal_save(by=request.user, medal=obj)

    def delete_model(self, request, obj):
        services.medal_delete(by=request.user, medal=obj)


class GrantForm(forms.ModelForm):
    class Meta:
        model = MemberMedal
        fields = ["member", "medal", "reason"]

    def clean_reason(self) -> str:
        reason = " ".join((self.cleaned_data.get("reason") or "").split())
        if not reason:
            raise forms.ValidationError(_("Please say why the medal is given."), code="reason_empty")
        return reason

    def clean(self):
        data = super().clean() or {}
        member, medal = data.get("member"), data.get("medal")
        if member and medal and MemberMedal.objects.filter(member=member, medal=medal).exists():
            raise forms.ValidationError(_("%(name)s already holds this medal.") % {"name": member.username})
        return data


@admin.register(MemberMedal)
class MemberMedalAdmin(ThroughServices, admin.ModelAdmin):
    """Adding a row grants the medal by hand; a held medal is not edited, only taken back (deleted)."""
    form = GrantForm
    list_display = ["member", "medal", "how", "reason", "granted_by", "granted_at"]
    list_filter = ["medal", "how"]
    list_select_related = ["member", "medal", "granted_by"]
    raw_id_fields = ["member"]
    search_fields = ["member__username", "=member__id"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        held = services.medal_grant(by=request.user, member=obj.member, medal=obj.medal, reason=obj.reason)
        if held is not None:
            obj.pk = held.pk

    def delete_model(self, request, obj):
        services.medal_revoke(by=request.user, held=obj)
