"""The admin's own login page signs in through the same backend, so the sign-in limits hold there too;
this form tells a refused administrator how long to wait, as the site's login page does.

Two-factor sign-in holds there too: after a right password, a member with codes on goes to the site's second
step (luntan.protection.twofactor) instead of being signed in; and while LUNTAN["ADMIN_2FA_REQUIRED"] is on,
a staff member without it is sent to its set-up page before any admin page. Every admin page runs with its
request noted for the security log (luntan.protection.securitylog), which copies each admin change."""

import functools
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luntan.accounts.models import MemberGroup
from luntan.core.adminkit import ReadOnly, ThroughServices
from luntan.core.redirects import safe_next
from luntan.protection import limits, newcomers, questions, securitylog, throttle, twofactor, words
from luntan.protection.models import (
    GroupLimit,
    NewcomerRules,
    SecurityEvent,
    TwoFactor,
    VerificationQuestion,
    VerifySettings,
    WatchedWord,
    WordHit,
)


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



# --- 敏感词 (watched words): the list, a bulk import and a test box, all through luntan.protection.words ---------

class WatchedWordForm(forms.ModelForm):
    class Meta:
        model = WatchedWord
        fields = ["word", "action"]

    def clean_word(self) -> str:
        word, key = words.clean_word(self.cleaned_data.get("word", ""))
        if WatchedWord.objects.filter(key=key).exclude(pk=self.instance.pk).exists():
            raise words.taken_error()
        return word


class ImportForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Words, one per line as word=action"), required=False,
                           widget=forms.Textarea(attrs={"rows": 10}))
    default_action = forms.ChoiceField(label=gettext_lazy("Action for a line without one"),
                                       choices=WatchedWord.Action.choices, initial=WatchedWord.Action.REPLACE)


class TryForm(forms.Form):
    sample = forms.CharField(label=gettext_lazy("Sample text"), required=False, max_length=50_000,
                             widget=forms.Textarea(attrs={"rows": 5}))


@admin.register(WatchedWord)
class WatchedWordAdmin(ThroughServices, admin.ModelAdmin):
    form = WatchedWordForm
    change_list_template = "admin/protection/watchedword/change_list.html"
    list_display = ["word", "key", "action", "created_at"]
    list_filter = ["action"]
    search_fields = ["word", "key"]
    list_per_page = 100
    show_full_result_count = False

    def save_model(self, request, obj, form, change) -> None:
        words.word_save(by=request.user, word=obj)

    def delete_model(self, request, obj) -> None:
        words.word_delete(by=request.user, word=obj)

    def get_urls(self):
        return [path("tools/", self.admin_site.admin_view(self.tools_view), name="protection_watchedword_tools"),
                *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "tools_url": reverse("admin:protection_watchedword_tools")}
        return super().changelist_view(request, extra_context)

    def tools_view(self, request):
        """The bulk import and the test box, on one page of the site's own look."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        importing = ImportForm(request.POST if request.POST.get("do") == "import" else None)
        trying = TryForm(request.POST if request.POST.get("do") == "try" else None)
        result = None
        if importing.is_bound and importing.is_valid():
            try:
                done = words.words_import(by=request.user, text=importing.cleaned_data["text"],
                                          default_action=importing.cleaned_data["default_action"])
            except ValidationError as error:
                importing.add_error("text", error)
            else:
                messages.success(request, _("Imported: %(added)s added, %(changed)s changed, %(same)s already "
                                            "there.") % {"added": done.added, "changed": done.changed,
                                                         "same": done.unchanged})
                return redirect("admin:protection_watchedword_tools")
        if trying.is_bound and trying.is_valid():
            result = words.screen(trying.cleaned_data["sample"], where=words.POST)
        bad = (importing.is_bound and importing.errors) or (trying.is_bound and trying.errors)
        return render(request, "protection/words_tools.html", {
            "importing": importing, "trying": trying, "result": result,
            "action_names": dict(WatchedWord.Action.choices), "count": WatchedWord.objects.count(),
            "list_url": reverse("admin:protection_watchedword_changelist"),
        }, status=400 if bad else 200)


@admin.register(WordHit)
class WordHitAdmin(ReadOnly):
    """What was let through with a flagged word: read only (the floors are also in the reports queue)."""

    list_display = ["created_at", "where", "action", "words", "member", "excerpt", "floor"]
    list_filter = ["where", "action"]
    list_select_related = ["member"]
    readonly_fields = [f.name for f in WordHit._meta.fields]
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None) -> bool:
        return admin.ModelAdmin.has_delete_permission(self, request, obj)  # it may be cleared, never edited


# --- Rate limits per group and the rules for new members (luntan.protection.limits, .newcomers) -------------

@admin.register(GroupLimit)
class GroupLimitAdmin(ThroughServices):
    """频率限制: how often a group's members may register, post, reply, send messages, search, upload, vote
    and report, per member and per address. Without a row, the site's default (settings) holds."""

    list_display = ["group", "action", "scope", "count", "seconds", "site_default"]
    list_editable = ["count", "seconds"]
    list_filter = ["group", "action", "scope"]
    fields = ["group", "action", "scope", "count", "seconds"]

    @admin.display(description=gettext_lazy("site default"))
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


# --- Verification questions and their settings (luntan.protection.challenge) ----------------------------------


class VerificationQuestionForm(forms.ModelForm):
    class Meta:
        model = VerificationQuestion
        fields = ["question", "answers", "enabled"]
        widgets = {"answers": forms.Textarea(attrs={"rows": 4})}

    def clean(self):
        data = super().clean() or {}
        probe = VerificationQuestion(question=data.get("question", ""), answers=data.get("answers", ""))
        questions.check_question(probe)  # the service's own rules, shown next to the fields
        return data


@admin.register(VerificationQuestion)
class VerificationQuestionAdmin(ThroughServices, admin.ModelAdmin):
    form = VerificationQuestionForm
    list_display = ["question", "answers_shown", "enabled"]
    list_filter = ["enabled"]
    search_fields = ["question"]

    @admin.display(description=gettext_lazy("accepted answers"))
    def answers_shown(self, obj: VerificationQuestion) -> str:
        return " / ".join(obj.answer_list())

    def save_model(self, request, obj, form, change):
        questions.question_save(by=request.user, question=obj)

    def delete_model(self, request, obj):
        questions.question_delete(by=request.user, question=obj)


class VerifySettingsForm(forms.ModelForm):
    groups = forms.ModelMultipleChoiceField(
        label=gettext_lazy("groups that always answer"), required=False,
        queryset=MemberGroup.objects.order_by("order", "pk"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Their members answer when posting, whatever their number of posts."))

    class Meta:
        model = VerifySettings
        fields = ["kind", "on_register", "arithmetic", "show_answer", "posts_below", "pow_bits", "min_seconds",
                  "guest_pages_per_hour", "guest_pass_hours", "crawlers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].initial = self.instance.always_group_ids()


@admin.register(VerifySettings)
class VerifySettingsAdmin(ThroughServices, admin.ModelAdmin):
    form = VerifySettingsForm
    fieldsets = [
        (gettext_lazy("Verification"), {"fields": ["kind", "on_register", "arithmetic", "show_answer", "posts_below",
                                         "groups", "pow_bits", "min_seconds"]}),
        (gettext_lazy("Guests reading fast"), {"fields": ["guest_pages_per_hour", "guest_pass_hours", "crawlers"]}),
    ]

    def has_add_permission(self, request) -> bool:
        return not VerifySettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        questions.verify_settings_save(by=request.user, row=obj, always_groups=form.cleaned_data["groups"])

# --- The security log and two-factor sign-in (luntan.protection.securitylog, .twofactor) -------------------

@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnly):
    """The whole site's security log, read-only."""
    list_display = ["at", "kind", "member", "actor", "address", "browser", "detail"]
    list_filter = ["kind"]
    search_fields = ["member__username", "=address", "detail"]
    list_select_related = ["member", "actor"]
    date_hierarchy = "at"
    ordering = ["-at", "-id"]
    show_full_result_count = False

    @admin.display(description=gettext_lazy("browser"))
    def browser(self, event: SecurityEvent) -> str:
        return securitylog.agent_summary(event.user_agent)


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
