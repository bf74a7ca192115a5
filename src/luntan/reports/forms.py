from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from luntan.reports import services
from luntan.reports.models import Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Report.Reason.choices, widget=forms.RadioSelect,
                               error_messages={"required": _("Choose a reason."),
                                               "invalid_choice": _("Choose a reason.")})
    text = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea)

    def clean(self):
        data = super().clean() or {}
        if "reason" in data:
            try:
                data["text"] = services.clean_text(data["reason"], data.get("text", ""))
            except ValidationError as error:
                self.add_error("text", error)
        return data


CHOOSE_OUTCOME = _("Choose whether to handle or dismiss the reports.")


class SettleForm(forms.Form):
    outcome = forms.ChoiceField(choices=[(Report.Status.HANDLED, _("Handle")),
                                         (Report.Status.DISMISSED, _("Dismiss"))],
                                error_messages={"required": CHOOSE_OUTCOME, "invalid_choice": CHOOSE_OUTCOME})
    note = forms.CharField(label=_("Note to the reporters"), required=False)

    def clean_note(self) -> str:
        note = " ".join(self.cleaned_data.get("note", "").split())
        if len(note) > services.NOTE_MAX:
            raise ValidationError(_("Please keep the note under %(max)s characters.") % {"max": services.NOTE_MAX})
        return note
