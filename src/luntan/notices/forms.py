from django import forms
from django.utils.translation import gettext_lazy as _

from luntan.notices.models import SWITCHABLE


class SettingsForm(forms.Form):
    """One checkbox per kind a member may turn off: ticked means on."""

    on = forms.MultipleChoiceField(label=_("Tell me about"), required=False, widget=forms.CheckboxSelectMultiple,
                                   choices=[(k.value, k.label) for k in SWITCHABLE],
                                   error_messages={"invalid_choice": _("Unknown kind of notice.")})

    def off(self) -> set[str]:
        return {k.value for k in SWITCHABLE} - set(self.cleaned_data["on"])


class FollowForm(forms.Form):
    follow = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1",
                                    error_messages={"invalid_choice": _("Follow or unfollow?"),
                                                    "required": _("Follow or unfollow?")})
    next = forms.CharField(required=False, max_length=300)


def safe_next(raw: str | None, default: str) -> str:
    """A path on this site to go back to, or `default`."""
    target = (raw or "").strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
