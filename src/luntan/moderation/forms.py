"""What a moderator sends: one form for every action on a thread (the pressed button names the action; the
fields of the other actions are ignored), the same with the chosen threads for the board's batch, the
thread types of a board, and the log's filters."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luntan.forum.models import Board, Thread, ThreadType
from luntan.moderation import services
from luntan.moderation.models import ModerationLog

ACTION_LABELS = {
    "sticky": _("Sticky"), "digest": _("Digest"), "highlight": _("Highlight"), "lock": _("Lock"),
    "unlock": _("Unlock"), "close": _("Close"), "open": _("Reopen"), "move": _("Move"), "type": _("Set type"),
    "delete": _("Delete"), "restore": _("Restore"),
}
STICKY_CHOICES = [(0, _("Not sticky")), (1, _("1 · this board")), (2, _("2 · its category")),
                  (3, _("3 · the whole site"))]
DIGEST_CHOICES = [(0, _("Not digest")), (1, _("Digest I")), (2, _("Digest II")), (3, _("Digest III"))]
WHEN_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=list(ACTION_LABELS.items()),
                               error_messages={"invalid_choice": _("Unknown action."),
                                               "required": _("Unknown action.")})
    level = forms.TypedChoiceField(label=_("Sticky level"), choices=STICKY_CHOICES, coerce=int, required=False,
                                   empty_value=None, error_messages={"invalid_choice": _("Unknown sticky level.")})
    until = forms.DateTimeField(label=_("Sticky until"), required=False, input_formats=WHEN_FORMATS,
                                error_messages={"invalid": _("Please give a date and time such as 2025-06-30 18:00.")})
    digest = forms.TypedChoiceField(label=_("Digest level"), choices=DIGEST_CHOICES, coerce=int, required=False,
                                    empty_value=None, error_messages={"invalid_choice": _("Unknown digest level.")})
    colour = forms.ChoiceField(label=_("Colour"), choices=Thread.Highlight.choices, required=False,
                               error_messages={"invalid_choice": _("Unknown highlight colour.")})
    bold = forms.BooleanField(label=_("Bold"), required=False)
    target = forms.ModelChoiceField(label=_("Move to"), queryset=Board.objects.all(), required=False,
                                    error_messages={"invalid_choice": _("Unknown board.")})
    leave_stub = forms.BooleanField(label=_("Leave a “moved” link in the old board"), required=False)
    thread_type = forms.IntegerField(label=_("Thread type"), required=False, min_value=1,
                                     error_messages={"invalid": _("Unknown thread type."),
                                                     "min_value": _("Unknown thread type.")})
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)
    notify = forms.BooleanField(label=_("Notify the author"), required=False)

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.board = board

    def clean(self):
        data = super().clean() or {}
        action = data.get("action")
        if action == "sticky" and data.get("level") is None:
            self.add_error("level", _("Please choose a sticky level."))
        if action == "sticky" and data.get("until") and data["until"] <= timezone.now():
            self.add_error("until", _("The sticky expiry must be in the future."))
        if action == "digest" and data.get("digest") is None:
            self.add_error("digest", _("Please choose a digest level."))
        if action == "type" and data.get("thread_type") is not None:
            found = ThreadType.objects.filter(pk=data["thread_type"], board=self.board).first()
            if found is None:
                self.add_error("thread_type", _("Please choose one of this board's thread types."))
            data["thread_type_obj"] = found
        return data

    def needs_target(self) -> bool:
        return self.is_valid() and self.cleaned_data["action"] == "move" and self.cleaned_data.get("target") is None

    def params(self) -> dict:
        data = self.cleaned_data
        return {"level": data.get("digest") if data["action"] == "digest" else data.get("level"),
                "until": data.get("until"), "colour": data.get("colour") or "", "bold": data.get("bold", False),
                "target": data.get("target"), "leave_stub": data.get("leave_stub", False),
                "thread_type": data.get("thread_type_obj")}


class BatchForm(ActionForm):
    thread = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, board=board, **kwargs)
        self.fields["action"].choices = [  # type: ignore[attr-defined]
            (k, v) for k, v in ACTION_LABELS.items() if k in services.BATCH_ACTIONS]
        # Any whole number is accepted here; the service refuses ids that are not this board's threads.
        raw = self.data.getlist("thread") if hasattr(self.data, "getlist") else []
        self.fields["thread"].choices = [  # type: ignore[attr-defined]
            (v, v) for v in raw if v.isascii() and v.isdigit() and len(v) < 12]
        self.fields["thread"].error_messages["invalid_choice"] = _(
            "Some of the selected threads are not in this board.")

    def clean(self):
        data = super().clean() or {}
        if not data.get("thread"):
            self.add_error(None, _("Please select at least one thread."))
        return data


class TypeForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False)
    order = forms.IntegerField(label=_("Order"), required=False, min_value=0, max_value=9999,
                               error_messages={"invalid": _("The order is a whole number from 0 to 9999."),
                                               "min_value": _("The order is a whole number from 0 to 9999."),
                                               "max_value": _("The order is a whole number from 0 to 9999.")})


class LogFilter(forms.Form):
    """The log's filters. A bad value is reported next to its field and the filter is left out."""
    moderator = forms.CharField(label=_("Moderator"), required=False, max_length=30)
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("(any)")), *ModerationLog.Action.choices],
                               error_messages={"invalid_choice": _("Unknown action.")})
    board = forms.TypedChoiceField(label=_("Board"), required=False, coerce=int, empty_value=None,
                                   error_messages={"invalid_choice": _("Unknown board.")})
    since = forms.DateField(label=_("From"), required=False, input_formats=["%Y-%m-%d"],
                            error_messages={"invalid": _("Please give a date such as 2025-06-30.")})
    until = forms.DateField(label=_("To"), required=False, input_formats=["%Y-%m-%d"],
                            error_messages={"invalid": _("Please give a date such as 2025-06-30.")})
    thread = forms.IntegerField(label=_("Thread ID"), required=False, min_value=1, max_value=2**31 - 1,
                                error_messages={"invalid": _("A thread ID is a whole number."),
                                                "min_value": _("A thread ID is a whole number."),
                                                "max_value": _("A thread ID is a whole number.")})

    def __init__(self, *args, boards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].choices = [  # type: ignore[attr-defined]
            ("", _("(any)")), *[(b.pk, b.name) for b in boards]]
