"""The site administrator's view of members and groups. Members register themselves (or an administrator
runs `luntan createsuperuser`), so members are edited here, not added."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from luntan.accounts import services
from luntan.accounts.models import Member, MemberGroup
from luntan.core.adminkit import ThroughServices


class MemberAdminForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["username", "email", "group", "custom_title", "is_active", "is_staff"]

    def clean_username(self) -> str:
        return services.check_username(self.cleaned_data.get("username", ""), member=self.instance)

    def clean_email(self) -> str:
        email = Member.objects.normalize_email(self.cleaned_data.get("email", ""))
        if email and Member.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("This e-mail address is already registered."), code="email_taken")
        return email


@admin.register(Member)
class MemberAdmin(ThroughServices, admin.ModelAdmin):
    form = MemberAdminForm
    fields = ["username", "email", "group", "custom_title", "is_active", "is_staff",
              "date_joined", "last_login", "last_activity", "post_count", "thread_count"]
    readonly_fields = ["date_joined", "last_login", "last_activity", "post_count", "thread_count"]
    list_display = ["id", "username", "email", "group", "is_active", "is_staff", "date_joined", "last_login",
                    "post_count"]
    list_display_links = ["id", "username"]
    list_filter = ["is_active", "is_staff", "group"]
    list_select_related = ["group"]
    search_fields = ["username", "email", "=id"]
    ordering = ["-id"]
    date_hierarchy = "date_joined"
    show_full_result_count = False

    actions = ["remove_avatars"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Remove the avatars of the selected members"))
    def remove_avatars(self, request, queryset) -> None:
        """清除头像: the members' letter tiles come back, their pictures' files go after the commit."""
        removed = 0
        for member in queryset.exclude(avatar=""):
            services.member_avatar_remove(by=request.user, member=member)
            removed += 1
        messages.success(request, ngettext("%(count)s avatar removed.", "%(count)s avatars removed.",
                                           removed) % {"count": removed})

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in form.changed_data
                   if name in services.MEMBER_ADMIN_FIELDS}
        services.member_update(by=request.user, member=Member.objects.get(pk=obj.pk), **changes)

    def delete_model(self, request, obj):
        services.member_delete(by=request.user, member=obj)


@admin.register(MemberGroup)
class MemberGroupAdmin(ThroughServices, admin.ModelAdmin):
    list_display = ["name", "role", "kind", "credits_from", "stars", "color", "is_default", "order"]
    readonly_fields = ["role"]
    list_editable = ["order"]
    fieldsets = [
        (None, {"fields": ["name", "role", "kind", "color", "is_default", "order"]}),
        (_("Level"), {"fields": ["credits_from", "stars"],
                      "description": _("Member levels hold the members whose total credits reach this threshold; "
                                       "special and system groups never move by credits. After changing thresholds, "
                                       "run `luntan credits resettle`.")}),
        (_("Permissions and limits"), {"fields": [
            "can_post", "daily_mood_votes", "max_signature_chars", "max_attachment_kb", "attachment_types",
            "allow_links", "allow_images", "allow_transfer", "wheel_spins_per_day", "max_mentions",
            "max_thread_price"]}),
    ]
    list_filter = ["kind"]
    search_fields = ["name"]
    ordering = ["order", "id"]

    def save_model(self, request, obj, form, change):
        services.member_group_save(by=request.user, group=obj)

    def delete_model(self, request, obj):
        services.member_group_delete(by=request.user, group=obj)
