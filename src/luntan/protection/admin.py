"""The admin's own login page signs in through the same backend, so the sign-in limits hold there too;
this form tells a refused administrator how long to wait, as the site's login page does.

Two-factor sign-in holds there too: after a right password, a member with codes on goes to the site's second
step (luntan.protection.twofactor) instead of being signed in; and while LUNTAN["ADMIN_2FA_REQUIRED"] is on,
a staff member without it is sent to its set-up page before any admin page. Every admin page runs with its
request noted for the security log (luntan.protection.securitylog), which copies each admin change."""

import functools
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from luntan.core.redirects import safe_next
from luntan.protection import securitylog, throttle, twofactor
from luntan.protection.models import SecurityEvent, TwoFactor


class SecondStepNeeded(Exception):  # noqa: N818 - not an error: the admin's login view hands over here
    def __init__(self, member) -> None:
        super().__init__()
        self.member = member


class AdminLoginForm(AdminAuthenticationForm):
    def clean(self):
        try:
            data = super().clean()
        except ValidationError:
            wait = getattr(self.request, "signin_wait", 0)
            if wait:
                raise ValidationError(throttle.too_many_attempts(wait), code="throttled") from None
            raise
        if self.user_cache is not None and twofactor.enabled_for(self.user_cache):
            raise SecondStepNeeded(self.user_cache)  # LoginView must not sign in: see admin_login
        return data


def admin_login(request, extra_context=None):
    """AdminSite.login, whose LoginView signs in once the form is valid; for a member with two-factor
    sign-in the form stops before that (SecondStepNeeded) and the site's second step takes over."""
    try:
        return AdminSite.login(admin.site, request, extra_context)
    except SecondStepNeeded as step:
        target = safe_next(request.POST.get("next") or request.GET.get("next"), default=reverse("admin:index"))
        return twofactor.begin_second_step(request, step.member, next_url=target)


def admin_view(view, cacheable=False):
    """AdminSite.admin_view, and before it: the request noted for the security log, and the set-up page for a
    staff member who must have two-factor sign-in and has not (logging out stays open)."""
    inner = AdminSite.admin_view(admin.site, view, cacheable)
    name = getattr(view, "__name__", "")

    @functools.wraps(inner)
    def checked(request, *args, **kwargs):
        if name != "logout" and twofactor.setup_needed(request.user):
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('security:twofactor')}?{query}")
        with securitylog.admin_request(request):
            response = inner(request, *args, **kwargs)
        if name == "password_change" and request.method == "POST" and response.status_code == 302:
            # The admin's own "change password" page (Django's view, which redirects once it has changed it).
            securitylog.record(member=request.user, kind=SecurityEvent.Kind.PASSWORD_CHANGE,
                               origin=securitylog.origin(request))
        return response

    return checked


admin.site.login_form = AdminLoginForm
admin.site.login = admin_login  # type: ignore[method-assign]
admin.site.admin_view = admin_view  # type: ignore[method-assign]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The whole site's security log, read-only."""
    list_display = ["at", "kind", "member", "actor", "address", "browser", "detail"]
    list_filter = ["kind"]
    search_fields = ["member__username", "=address", "detail"]
    list_select_related = ["member", "actor"]
    date_hierarchy = "at"
    ordering = ["-at", "-id"]
    show_full_result_count = False

    @admin.display(description=_("browser"))
    def browser(self, event: SecurityEvent) -> str:
        return securitylog.agent_summary(event.user_agent)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TwoFactor)
class TwoFactorAdmin(admin.ModelAdmin):
    """Who has two-factor sign-in on. An administrator may only turn it off for a member who lost both the
    phone and the recovery codes (the delete button, through twofactor_reset)."""
    list_display = ["member", "enabled_at"]
    fields = ["member", "enabled_at"]
    readonly_fields = ["member", "enabled_at"]
    search_fields = ["member__username"]
    list_select_related = ["member"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj) -> None:
        twofactor.twofactor_reset(by=request.user, member=obj.member, origin=securitylog.origin(request))

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset.select_related("member"):
            self.delete_model(request, obj)
