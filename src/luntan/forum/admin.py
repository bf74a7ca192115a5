"""Admin pages for the forum's structure and threads. Every write goes through the services, as on the
site: a thread deleted here leaves the board's and its author's counts and the board's last post right,
a board saved here never overwrites its counters."""

from typing import cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from luntan.accounts.models import Member, MemberGroup
from luntan.core.adminkit import ThroughServices
from luntan.forum import services
from luntan.forum.models import Board, BoardAccess, Category, Thread
from luntan.forum.permissions import Access


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


class BoardAccessFormSet(forms.BaseInlineFormSet):
    """The board's permission rows, written by services.board_access_set: a row left at the defaults is
    removed (no row means everything is allowed), a row ticked for deletion too."""

    request: HttpRequest  # set by BoardAccessInline.get_formset

    def save(self, commit=True):
        rules: dict[int, Access | None] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("group") is None:
                continue
            if form in self.deleted_forms:
                rules[data["group"].pk] = None
            elif form.instance.pk is not None or form.has_changed():
                rules[data["group"].pk] = Access(**{f: bool(data.get(f)) for f in ACCESS_FIELDS})
        if rules:
            member = cast(Member, self.request.user)
            services.board_access_set(member=member, board=self.instance, rules=rules)
        # What the admin's change message reads; the lines are the service's to write, not the formset's.
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        return []


ACCESS_FIELDS = ["can_see", "can_read", "can_post", "can_reply", "needs_approval"]


class BoardAccessInline(admin.TabularInline):
    """权限: one line per member group (groups × may see / read / post threads / reply / posts wait for
    approval). The groups without a line are listed ready to fill in, ticked as they are now (all allowed);
    a line left so is not saved."""

    model = BoardAccess
    formset = BoardAccessFormSet
    fields = ["group", *ACCESS_FIELDS]
    verbose_name = _("permissions of a member group")
    verbose_name_plural = _("board permissions by member group (no line: everything allowed)")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "group":  # a plain list of groups, without the add / change / view buttons
            return db_field.formfield(queryset=MemberGroup.objects.order_by("order", "id"))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _missing_groups(self, obj) -> list[MemberGroup]:
        taken = set(BoardAccess.objects.filter(board=obj).values_list("group_id", flat=True)) if obj else set()
        return [g for g in MemberGroup.objects.order_by("order", "id") if g.pk not in taken]

    def get_extra(self, request, obj=None, **kwargs) -> int:
        return len(self._missing_groups(obj))

    def get_formset(self, request, obj=None, **kwargs):
        missing = self._missing_groups(obj)
        initial = [{"group": g.pk, **dict.fromkeys(ACCESS_FIELDS, True), "needs_approval": False} for g in missing]
        base = super().get_formset(request, obj, **kwargs)

        class WithGroups(base):  # type: ignore[valid-type,misc]
            def __init__(self, *args, **kw):
                kw.setdefault("initial", initial)
                super().__init__(*args, **kw)

        WithGroups.request = request
        return WithGroups


class BoardAdminForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = ["category", "parent", "name", "description", "order", "moderators", "protect_content"]

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
    fields = ["category", "parent", "name", "description", "order", "moderators", "protect_content"]
    filter_horizontal = ["moderators"]
    inlines = [BoardAccessInline]

    @admin.display(description=_("moderators"))
    def moderator_names(self, obj: Board) -> str:
        return obj.moderator_names

    def save_model(self, request, obj, form, change):
        moderators = form.cleaned_data["moderators"] if "moderators" in form.cleaned_data else None
        services.board_save(member=request.user, board=obj, moderators=moderators)

    def save_related(self, request, form, formsets, change):
        """The moderators were appointed by board_save; the permission rows go through board_access_set."""
        for formset in formsets:
            formset.save()

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
