"""The forms of thread surgery: what the moderator typed, parsed; the rules are the services'."""

import re
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from luntan.forum import services as forum
from luntan.moderation import surgery

_THREAD_URL = re.compile(r"/thread/(\d{1,12})(?:[/?#]|$)")


class ActionForm(forms.Form):
    """What every moderator action takes: an optional reason, and whether to tell the author."""

    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=surgery.REASON_CHARS,
                             error_messages={"max_length": _("At most %(limit_value)d characters, please.")})
    notify = forms.BooleanField(label=_("Tell the author"), required=False)


class MergeForm(ActionForm):
    other = forms.CharField(label=_("The thread to merge into this one"), required=False, max_length=300)
    field_order = ["other", "reason", "notify"]

    def clean_other(self) -> int:
        text = (self.cleaned_data.get("other") or "").strip()
        if not text:
            raise ValidationError(_("Please enter the other thread's number or address."))
        if text.isascii() and text.isdigit() and len(text) <= 12:
            return int(text)
        found = _THREAD_URL.search(text)
        if found is None:
            raise ValidationError(_("“%(text)s” is neither a thread number nor a thread's address.")
                                  % {"text": text[:60]})
        return int(found.group(1))


class SplitForm(ActionForm):
    floors = forms.CharField(label=_("Floors to split off"), required=False, max_length=500)
    title = forms.CharField(label=_("Title of the new thread"), required=False)
    board = forms.TypedChoiceField(label=_("Board of the new thread"), coerce=int, choices=())
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    field_order = ["floors", "title", "board", "reason", "notify", "submission_key"]

    def __init__(self, *args, boards, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["board"]).choices = [(b.pk, b.name) for b in boards]
        self.boards = {b.pk: b for b in boards}

    def clean_floors(self) -> list[int]:
        return surgery.parse_floor_numbers(self.cleaned_data.get("floors", ""))

    def clean_title(self) -> str:
        return forum.clean_title(self.cleaned_data.get("title", ""))


class StickForm(ActionForm):
    pass


class IdList(forms.Field):
    """Ids from checkboxes sharing a name: whole numbers, at most a batch of them."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        if any(not (str(v).isascii() and str(v).isdigit() and len(str(v)) <= 12) for v in values):
            raise ValidationError(_("The chosen posts could not be read; look at the list again."))
        ids = sorted({int(v) for v in values})
        if not ids:
            raise ValidationError(_("Please choose at least one post."))
        if len(ids) > surgery.MAX_BATCH:
            raise ValidationError(_("At most %(max)s posts at once, please.") % {"max": surgery.MAX_BATCH})
        return ids


class QueueForm(ActionForm):
    floors = IdList(label=_("Posts"), required=False)
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))],
                                 error_messages={"invalid_choice": _("Choose to approve or to reject.")})
