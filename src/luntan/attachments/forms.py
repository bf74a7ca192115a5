from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from luntan.attachments.services import MAX_PRICE, member_levels


class SettingsForm(forms.Form):
    """The uploader's price and minimum level of an attachment."""

    price = forms.IntegerField(label=_("Price"), min_value=0, max_value=MAX_PRICE, initial=0,
                               error_messages={"invalid": _("Enter a whole number of credits, such as 10.")})
    min_level = forms.TypedChoiceField(label=_("Minimum level"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["min_level"]).choices = [("", _("Anyone signed in"))] + [
            (g.group_id, g.name) for g in member_levels()]
