"""Admin pages for the forum's structure and threads. Every write goes through the services, as on the
site: a thread deleted here leaves the board's and its author's counts and the board's last post right,
a board saved here never overwrites its counters."""

from typing import cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from luntan.accounts.models import Member
from luntan.core.adminkit import ThroughServices
from luntan.forum import services
from luntan.forum.models import Board, Category, Thread


class BoardInlineFormSet(forms.BaseInlineFormSet):
    request: HttpRequest  # set by BoardInline.get_formset: the services need the acting member

    def save(self, commit=True):
        """The category's boards, saved and removed through the services like on the board's own page."""
        boards = super().save(commit=False)
        member = cast(Member, self.request.user)  # the admin site lets only signed-in staff in
        for board in self.deleted_objects:
            services.board_delete(member=member, board=board)
        for board in boards:
            services.board_save(member=member, board=board)
        return boards


class BoardInline(admin.TabularInline):
    model = Board
    formset = BoardInlineFormSet
    fields = ["name", "description", "parent", "order"]
    extra = 0
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        return type("BoardFormSetFor", (super().get_formset(request, obj, **kwargs),), {"request": request})


@admin.register(Category)
class CategoryAdmin(ThroughServices, admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    inlines = [BoardInline]

    def save_model(self, request, obj, form, change):
        services.category_save(member=request.user, category=obj)

    def delete_model(self, request, obj):
        services.category_delete(member=request.user, category=obj)


class BoardAdminForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = ["category", "parent", "name", "description", "order", "moderators"]

    def clean(self):
        cleaned = super().clean() or {}
        try:
            services.check_board_parent(self.instance, cleaned.get("parent"))
        except ValidationError as error:
            self.add_error("parent", error)
        return cleaned


@admin.register(Board)
class BoardAdmin(ThroughServices, admin.ModelAdmin):
    form = BoardAdminForm
    list_display = ["name", "category", "parent", "order", "thread_count", "post_count", "moderator_names"]
    list_filter = ["category"]
    list_editable = ["order"]
    search_fields = ["name"]
    fields = ["category", "parent", "name", "description", "order", "moderators"]
    filter_horizontal = ["moderators"]

    @admin.display(description=_("moderators"))
    def moderator_names(self, obj: Board) -> str:
        return obj.moderator_names

    def save_model(self, request, obj, form, change):
        moderators = form.cleaned_data["moderators"] if "moderators" in form.cleaned_data else None
        services.board_save(member=request.user, board=obj, moderators=moderators)

    def save_related(self, request, form, formsets, change):
        """The moderators were appointed by board_save; there are no inlines."""

    def delete_model(self, request, obj):
        services.board_delete(member=request.user, board=obj)


class ThreadAdminForm(forms.ModelForm):
    class Meta:
        model = Thread
        fields = ["title", "sticky", "digest", "is_locked", "highlight", "is_deleted"]

    def clean_title(self) -> str:
        return services.clean_title(self.cleaned_data.get("title", ""))

    def clean_sticky(self) -> int:
        sticky = self.cleaned_data.get("sticky") or 0
        if sticky > services.MAX_STICKY:
            raise ValidationError(_("Sticky level must be between 0 and %(max)s.") % {"max": services.MAX_STICKY})
        return sticky


@admin.register(Thread)
class ThreadAdmin(ThroughServices, admin.ModelAdmin):
    """Moderation has its own tools on the site; here an admin can fix a title or a flag, move a thread to
    the recycle bin and back (untick "deleted"), or remove a thread already in the bin for good."""

    form = ThreadAdminForm
    list_display = ["title", "board", "author", "created_at", "reply_count", "sticky", "digest", "is_locked",
                    "is_deleted"]
    list_filter = ["board", "is_locked", "is_deleted", "digest"]
    list_select_related = ["board", "author"]
    search_fields = ["title"]
    fields = ["title", "board", "sticky", "digest", "is_locked", "highlight", "is_deleted"]
    readonly_fields = ["board"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in services.THREAD_FLAGS}
        services.thread_update(member=request.user, thread=obj, **changes)

    def get_deleted_objects(self, objs, request):
        """The confirmation page lists what goes: a thread not yet in the recycle bin goes there alone, with
        its floors; only a thread already in the bin is removed with everything in it."""
        objs = list(objs)
        live = [t for t in objs if not t.is_deleted]
        deleted, counts, perms, protected = super().get_deleted_objects(
            [t for t in objs if t.is_deleted], request)
        if live:
            deleted = [_("%(title)s (to the recycle bin, from where it can be restored)") % {"title": t.title}
                       for t in live] + list(deleted)
            counts = {**counts, str(Thread._meta.verbose_name_plural): len(objs)}
        return deleted, counts, perms, protected

    def delete_model(self, request, obj):
        """Deleting moves the thread to the recycle bin, as on the site; deleting it there removes it."""
        if Thread.objects.filter(pk=obj.pk, is_deleted=True).exists():
            services.thread_purge(member=request.user, thread=obj)
        else:
            services.thread_delete(member=request.user, thread=obj)
