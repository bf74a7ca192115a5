import secrets
from datetime import datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luntan.accounts.models import Member
from luntan.bans import services
from luntan.bans.models import Ban


def new_submission_key() -> str:
    return secrets.token_hex(16)


def find_member(name: str) -> Member:
    name = (name or "").strip()
    try:
        return Member.objects.get_by_natural_key(name)
    except Member.DoesNotExist:
        raise ValidationError(_("There is no member called “%(name)s”.") % {"name": name[:30]},
                              code="member") from None


class WarnForm(forms.Form):
    member = forms.CharField(label=_("Member"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False)
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, fixed_member: Member | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_member = fixed_member

    def clean_member(self) -> Member:
        if self.fixed_member is not None:
            return self.fixed_member
        if not self.cleaned_data.get("member", "").strip():
            raise ValidationError(_("Name the member to warn."))
        return find_member(self.cleaned_data["member"])

    def clean_reason(self) -> str:
        return services.clean_reason(self.cleaned_data.get("reason", ""))


class BanForm(forms.Form):
    member = forms.CharField(label=_("Member"), required=False)
    network = forms.CharField(label=_("or an address range"), required=False)
    kind = forms.ChoiceField(label=_("Forbid"), choices=Ban.Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": _("Choose what the ban forbids."),
                                             "invalid_choice": _("Choose what the ban forbids.")})
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": _("Enter a date such as 2030-01-31.")})
    forever = forms.BooleanField(label=_("For ever"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False)
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, limited: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.limited = limited
        if limited:  # a board moderator: 禁止发言 of a member, for a time
            del self.fields["network"], self.fields["forever"]
            kind = self.fields["kind"]
            assert isinstance(kind, forms.ChoiceField)
            kind.choices = [(Ban.Kind.POST.value, Ban.Kind.POST.label)]

    def clean_member(self) -> Member | None:
        name = self.cleaned_data.get("member", "").strip()
        return find_member(name) if name else None

    def clean_network(self) -> str:
        text = self.cleaned_data.get("network", "").strip()
        return services.clean_network(text) if text else ""

    def clean_reason(self) -> str:
        return services.clean_reason(self.cleaned_data.get("reason", ""))

    def clean(self):
        data = super().clean() or {}
        if "member" in data and "network" in data and (data["member"] is None) == (not data["network"]):
            self.add_error("member", _("Name a member, or give an address range, but not both."))
        if data.get("forever"):
            data["until_at"] = None
        elif "until" in data:
            day = data.get("until")
            if day is None:
                self.add_error("until", _("Choose the day the ban ends.") if self.limited
                               else _("Choose the day the ban ends, or “for ever”."))
            elif day <= timezone.localdate():
                self.add_error("until", _("The end of the ban must be after today."))
            else:
                data["until_at"] = timezone.make_aware(datetime.combine(day, time.min))
        return data


class LiftForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False)

    def clean_reason(self) -> str:
        return services.clean_reason(self.cleaned_data.get("reason", ""))
