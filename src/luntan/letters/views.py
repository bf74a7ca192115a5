"""短消息 pages. Each shows the reader's own data, so none is kept. Reading changes nothing: opening a
conversation from the inbox, marking it read, sending, leaving and blocking are POSTs."""

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luntan.accounts.models import Member
from luntan.core import presence
from luntan.core.views import error_page, form_status, login_first
from luntan.letters import queries, services
from luntan.letters.forms import AddForm, BlockForm, ReplyForm, StartForm, apply_service_error, new_submission_key


def _me(request: HttpRequest) -> Member:
    """The signed-in member (access_conversation has already refused a guest with 404)."""
    return cast(Member, request.user)


def _ip(request: HttpRequest) -> str | None:
    return presence.client_address(request) if request.META.get("REMOTE_ADDR") else None


def _conversation_url(conversation_id: int, number: int | None = None) -> str:
    address = reverse("letters:conversation", args=[conversation_id])
    return f"{address}#m{number}" if number else address


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    found = queries.inbox(request.user, page_raw=request.GET.get("page"))
    return render(request, "letters/inbox.html", {"found": found})


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    initial = {"submission_key": new_submission_key(), "recipients": request.GET.get("to", "")[:200]}
    form = StartForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            letter = services.conversation_start(
                author=request.user, recipients=data["recipients"], title=data["title"], source=data["source"],
                fmt=data["format"], ip=_ip(request), submission_key=data["submission_key"])
        except PermissionDenied as error:
            return error_page(request, status=403, title=_("Not allowed"), message=str(error))
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Your message has been sent."))
            return redirect(_conversation_url(letter.conversation_id, letter.number))
    return render(request, "letters/start.html", {"form": form}, status=form_status(form))


def _conversation(request: HttpRequest, part, *, reply: ReplyForm | None = None, add: AddForm | None = None,
                  status: int = 200) -> HttpResponse:
    page = queries.conversation_page(part, page_raw=request.GET.get("page"))
    reply = reply or ReplyForm(initial={"submission_key": new_submission_key()})
    return render(request, "letters/conversation.html", {
        "part": part, "conversation": part.conversation, "page": page, "reply": reply, "add": add or AddForm(),
        "unread": part.read_number < part.conversation.last_number,
    }, status=status)


@require_GET
def conversation(request: HttpRequest, conversation_id: str) -> HttpResponse:
    part = queries.access_conversation(request.user, conversation_id)
    return _conversation(request, part)


@require_POST
def reply(request: HttpRequest, conversation_id: str) -> HttpResponse:
    part = queries.access_conversation(request.user, conversation_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            letter = services.letter_reply(author=request.user, conversation=part.conversation,
                                           source=data["source"], fmt=data["format"], ip=_ip(request),
                                           submission_key=data["submission_key"])
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Your message has been sent."))
            return redirect(_conversation_url(letter.conversation_id, letter.number))
    return _conversation(request, part, reply=form, status=400)


@require_POST
def open_conversation(request: HttpRequest, conversation_id: str) -> HttpResponse:
    """From the inbox: marks the conversation read and shows it from its first unread message."""
    part = queries.access_conversation(request.user, conversation_id)
    first_unread = part.read_number + 1 if part.read_number < part.conversation.last_number else None
    page = (first_unread - 1) // queries.LETTERS_PER_PAGE + 1 if first_unread else None
    services.conversation_mark_read(member=_me(request), conversation=part.conversation)
    address = reverse("letters:conversation", args=[part.conversation_id])
    if page:
        address += f"?page={page}#m{first_unread}"
    return redirect(address)


@require_POST
def mark_read(request: HttpRequest, conversation_id: str) -> HttpResponse:
    part = queries.access_conversation(request.user, conversation_id)
    services.conversation_mark_read(member=_me(request), conversation=part.conversation)
    return redirect("letters:conversation", part.conversation_id)


@require_POST
def leave(request: HttpRequest, conversation_id: str) -> HttpResponse:
    part = queries.access_conversation(request.user, conversation_id)
    services.conversation_leave(member=_me(request), conversation=part.conversation)
    messages.success(request, _("You left the conversation “%(title)s”.") % {"title": part.conversation.title})
    return redirect("letters:inbox")


@require_POST
def add(request: HttpRequest, conversation_id: str) -> HttpResponse:
    part = queries.access_conversation(request.user, conversation_id)
    form = AddForm(request.POST)
    if form.is_valid():
        try:
            added = services.conversation_add(member=_me(request), conversation=part.conversation,
                                              names=form.cleaned_data["names"])
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Added to the conversation: %(names)s") % {
                "names": "、".join(m.username for m in added)})
            return redirect("letters:conversation", part.conversation_id)
    return _conversation(request, part, add=form, status=400)


@require_http_methods(["GET", "POST"])
def blocks(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    form = BlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            other = services.block_add(member=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("%(name)s can no longer start a conversation with you.") % {
                "name": other.username})
            return redirect("letters:blocks")
    return render(request, "letters/blocks.html", {"form": form, "blocked": queries.blocked_members(request.user)},
                  status=form_status(form))


@require_POST
def unblock(request: HttpRequest, member_id: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    if services.block_remove(member=request.user, blocked_id=queries.parse_id(member_id)):
        messages.success(request, _("The member is no longer blocked."))
    return redirect("letters:blocks")
