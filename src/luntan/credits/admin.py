"""The economy in the Django admin: credit types, rules with their amounts, the site-wide settings, and a
member's credits changed by hand. Every save goes through luntan.credits.services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from luntan.core.adminkit import ThroughServices
from luntan.credits import config, levels, services
from luntan.credits.models import CreditEntry, CreditRule, CreditType, EconomySettings, RuleAmount


@admin.register(CreditType)
class CreditTypeAdmin(ThroughServices, admin.ModelAdmin):
    list_display = ["slot", "name", "unit", "enabled", "on_card", "initial", "lower_limit", "transferable",
                    "exchange_ratio"]
    list_display_links = ["slot", "name"]
    ordering = ["slot"]

    def save_model(self, request, obj, form, change):
        services.credit_type_save(by=request.user, credit_type=obj)

    def delete_model(self, request, obj):
        services.credit_type_delete(by=request.user, credit_type=obj)


class RuleAmountInline(admin.TabularInline):
    model = RuleAmount
    extra = 1


@admin.register(CreditRule)
class CreditRuleAdmin(ThroughServices, admin.ModelAdmin):
    list_display = ["__str__", "enabled", "cycle", "cycle_length", "max_per_cycle"]
    inlines = [RuleAmountInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # an action's rule is switched off, not removed

    def save_model(self, request, obj, form, change):
        services.credit_rule_save(by=request.user, rule=obj)

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            config.changed()


class EconomySettingsForm(forms.ModelForm):
    class Meta:
        model = EconomySettings
        fields = ["level_formula", "transfer_tax_percent", "transfer_min_kept", "transfer_daily_cap"]

    def clean_level_formula(self) -> str:
        text = self.cleaned_data.get("level_formula", "").strip()
        levels.check_formula(text, config.economy())
        return text


@admin.register(EconomySettings)
class EconomySettingsAdmin(ThroughServices, admin.ModelAdmin):
    form = EconomySettingsForm

    def has_add_permission(self, request) -> bool:
        return not EconomySettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        services.economy_settings_save(by=request.user, row=obj)
        messages.info(request, _("Levels follow a changed formula after `luntan credits resettle`, or as each "
                                 "member's credits next change."))


class AdjustForm(forms.ModelForm):
    """Adding a ledger row by hand is an administrator's adjustment: the service writes it (and the balance)."""

    class Meta:
        model = CreditEntry
        fields = ["member", "credit_type", "delta", "note"]
        labels = {"delta": _("Change (negative takes away)"), "note": _("Reason")}

    def clean_delta(self) -> int:
        value = self.cleaned_data["delta"]
        if not value or abs(value) > services.MAX_AMOUNT:
            raise ValidationError(_("Enter an amount other than 0, at most %(max)s either way.") % {
                "max": services.MAX_AMOUNT})
        return value


@admin.register(CreditEntry)
class CreditEntryAdmin(ThroughServices, admin.ModelAdmin):
    """The ledger, to read; "add" is an administrator's adjustment. Rows are never changed or deleted."""
    list_display = ["id", "created_at", "member", "credit_type", "delta", "balance_after", "operation",
                    "subject_kind", "subject_id", "note"]
    list_filter = ["operation", "credit_type"]
    search_fields = ["=member__id", "member__username"]
    list_select_related = ["member", "credit_type"]
    raw_id_fields = ["member"]
    show_full_result_count = False
    form = AdjustForm

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    # Deleting is "allowed" only so that the admin's delete page of a member lists ledger rows as what
    # protects the member (with no permission it would say the admin lacks one); the service refuses.
    def delete_model(self, request, obj):
        raise ValidationError(_("The ledger is never changed; correct a balance with a new adjustment."))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        entries = services.credit_adjust(by=request.user, member=obj.member, credit_type=obj.credit_type,
                                         delta=obj.delta, note=obj.note)
        obj.pk = entries[0].pk  # the row the service wrote is the one the admin added
