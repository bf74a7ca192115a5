from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from luntan.core.adminkit import ThroughServices
from luntan.polls import services
from luntan.polls.models import Poll, PollOption


class OptionInline(admin.TabularInline):
    model = PollOption
    fields = readonly_fields = ("position", "text", "vote_count")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Poll)
class PollAdmin(ThroughServices):
    """Polls are made with their thread and changed only by votes: the admin reads them, and can rebuild
    their numbers from the ballots."""

    list_display = ["thread", "multiple", "max_choices", "ends_at", "results_after_vote", "public_voters",
                    "voter_count"]
    fields = readonly_fields = ("thread", "multiple", "max_choices", "ends_at", "results_after_vote",
                                "public_voters", "voter_count", "created_at")
    inlines = [OptionInline]
    actions = ["recount"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Recount the votes from the ballots"))
    def recount(self, request, queryset) -> None:
        polls = list(queryset.values_list("pk", flat=True))
        for poll_id in polls:
            services.poll_recount(poll_id=poll_id)
        messages.success(request, ngettext("%(count)s poll recounted.", "%(count)s polls recounted.",
                                           len(polls)) % {"count": len(polls)})
