"""The admin's own login page signs in through the same backend, so the sign-in limits hold there too;
this form tells a refused administrator how long to wait, as the site's login page does."""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from luntan.accounts.models import MemberGroup
from luntan.core.adminkit import ThroughServices
from luntan.protection import questions, throttle
from luntan.protection.models import VerificationQuestion, VerifySettings


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

    @admin.display(description=_("accepted answers"))
    def answers_shown(self, obj: VerificationQuestion) -> str:
        return " / ".join(obj.answer_list())

    def save_model(self, request, obj, form, change):
        questions.question_save(by=request.user, question=obj)

    def delete_model(self, request, obj):
        questions.question_delete(by=request.user, question=obj)


class VerifySettingsForm(forms.ModelForm):
    groups = forms.ModelMultipleChoiceField(
        label=_("groups that always answer"), required=False, queryset=MemberGroup.objects.order_by("order", "pk"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their members answer when posting, whatever their number of posts."))

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
        (_("Verification"), {"fields": ["kind", "on_register", "arithmetic", "show_answer", "posts_below",
                                         "groups", "pow_bits", "min_seconds"]}),
        (_("Guests reading fast"), {"fields": ["guest_pages_per_hour", "guest_pass_hours", "crawlers"]}),
    ]

    def has_add_permission(self, request) -> bool:
        return not VerifySettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        questions.verify_settings_save(by=request.user, row=obj, always_groups=form.cleaned_data["groups"])
