"""The admin's own login page signs in through the same backend, so the sign-in limits hold there too;
this form tells a refused administrator how long to wait, as the site's login page does."""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from luntan.core.adminkit import ThroughServices
from luntan.protection import limits, newcomers, throttle
from luntan.protection.models import GroupLimit, NewcomerRules


class AdminLoginForm(AdminAuthenticationForm):
    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            wait = getattr(self.request, "signin_wait", 0)
            if wait:
                raise ValidationError(throttle.too_many_attempts(wait), code="throttled") from None
            raise


admin.site.login_form = AdminLoginForm


# --- Rate limits per group and the rules for new members (luntan.protection.limits, .newcomers) -------------

@admin.register(GroupLimit)
class GroupLimitAdmin(ThroughServices):
    """频率限制: how often a group's members may register, post, reply, send messages, search, upload, vote
    and report, per member and per address. Without a row, the site's default (settings) holds."""

    list_display = ["group", "action", "scope", "count", "seconds", "site_default"]
    list_editable = ["count", "seconds"]
    list_filter = ["group", "action", "scope"]
    fields = ["group", "action", "scope", "count", "seconds"]

    @admin.display(description=_("site default"))
    def site_default(self, obj: GroupLimit) -> str:
        found = limits.default_limit(obj.action, obj.scope)
        return _("%(count)s per %(seconds)s s") % {"count": found[0], "seconds": found[1]} if found else "—"

    def save_model(self, request, obj, form, change) -> None:
        limits.group_limit_save(member=request.user, limit=obj)

    def delete_model(self, request, obj) -> None:
        limits.group_limit_delete(member=request.user, limit=obj)


@admin.register(NewcomerRules)
class NewcomerRulesAdmin(ThroughServices):
    """新会员: who is a new member, their caps a day, and the posts they need before links and images. One
    row: the list opens it."""

    fields = ["hours", "groups", "threads_per_day", "replies_per_day", "links_after_posts"]
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}

    def changelist_view(self, request, extra_context=None):
        if NewcomerRules.objects.filter(pk=1).exists():
            return HttpResponseRedirect(reverse("admin:protection_newcomerrules_change", args=[1]))
        return HttpResponseRedirect(reverse("admin:protection_newcomerrules_add"))

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not NewcomerRules.objects.filter(pk=1).exists()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save_and_add_another": False}  # there is only one
        return super().changeform_view(request, object_id, form_url, extra_context)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        newcomers.newcomer_rules_save(member=request.user, rules_row=obj, groups=form.cleaned_data["groups"])

    def save_related(self, request, form, formsets, change) -> None:
        """The groups are saved by the service, with the rules."""
