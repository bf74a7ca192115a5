"""What every admin page of Luntan shares: the admin writes through the services too, and a write the
services refuse (a board that still has threads, a member with posts) comes back as a message on the
page, never as a server error."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect


def refusal_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


class ThroughServices(admin.ModelAdmin):
    """A ModelAdmin whose save_model / delete_model call services: a refusal raised there (after
    the form was valid, e.g. by a concurrent change) rolls the admin's transaction back and is shown as an
    error message on the page the admin came from."""

    def _refused(self, request, error: Exception):
        messages.error(request, refusal_text(error))
        return HttpResponseRedirect(request.get_full_path())

    def _showing_refusals(self, view, request, *args, **kwargs):
        """Runs one of the admin's own views; a refusal on a POST comes back as a message."""
        try:
            return view(request, *args, **kwargs)
        except (ValidationError, PermissionDenied) as error:
            if request.method != "POST":
                raise
            return self._refused(request, error)

    def changeform_view(self, request, *args, **kwargs):
        return self._showing_refusals(super().changeform_view, request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._showing_refusals(super().delete_view, request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._showing_refusals(super().changelist_view, request, *args, **kwargs)

    def delete_queryset(self, request, queryset) -> None:
        """The bulk "delete selected" action: one service call per object, as the delete page makes."""
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnly(admin.ModelAdmin):
    """A record nobody edits by hand (a log, an effect that ends on its own): listed and opened only."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
