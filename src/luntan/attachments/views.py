"""Uploading from the editor (JSON for editor.js), serving pictures and attachments from the storage with
headers of their own, and the attachment page (details, buyers, buying, the uploader's settings)."""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luntan.attachments import counters, files, permissions, queries, services
from luntan.attachments.forms import SettingsForm
from luntan.attachments.models import Attachment
from luntan.attachments.services import image_url
from luntan.core.presence import client_address
from luntan.core.views import error_page, login_first

# A file is never a page: nothing in it may run, load or be framed, even if a browser were to render it.
FILE_POLICY = "default-src 'none'; sandbox"
_FILENAME_RE = re.compile(r"([0-9a-f]{32})\.([a-z0-9]{1,5})")


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


def described(attachment: Attachment) -> dict:
    """What the editor puts in the post box, in either format."""
    return {"id": attachment.pk, "kind": attachment.kind, "name": attachment.name, "size": attachment.size,
            "page": reverse("attachments:page", args=[attachment.pk]),
            "bbcode": services.post_reference(attachment, "bbcode"),
            "markdown": services.post_reference(attachment, "markdown")}


@require_POST
def upload(request: HttpRequest) -> JsonResponse:
    """The editor's upload (drag and drop, paste, the 上传 button): one file in `file`."""
    if not request.user.is_authenticated:
        return _json_error(_("Please log in first."), 403)
    try:
        attachment = services.upload_create(member=request.user, upload=request.FILES.get("file"),
                                            ip=client_address(request))
    except PermissionDenied as error:
        return _json_error(str(error), 403)
    except ValidationError as error:
        return _json_error(error.messages[0], 400)
    return JsonResponse(described(attachment), status=201, json_dumps_params={"ensure_ascii": False})


def _file(name: str, *, content_type: str, inline: bool, filename: str, cache: str) -> FileResponse:
    """A stored file, streamed, with headers that keep a browser from taking it for anything but a file."""
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    if files.is_active_type(content_type) or content_type.startswith("image/svg"):
        content_type, inline = "application/octet-stream", False
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = cache
    return response


def _picture(attachment_id: int, filename: str, *, thumb: bool) -> FileResponse:
    match = _FILENAME_RE.fullmatch(filename)
    if match is None:
        raise Http404
    found = queries.image(attachment_id, match.group(1))
    name = found.thumbnail if thumb and found.thumbnail else found.file
    if not name.endswith(f".{match.group(2)}"):
        raise Http404
    # The address holds a random key and never changes for these bytes.
    return _file(name, content_type=found.content_type, inline=True, filename=found.name,
                 cache="public, max-age=604800, immutable")


@require_http_methods(["GET", "HEAD"])
def image(request: HttpRequest, attachment_id: int, filename: str) -> FileResponse:
    return _picture(attachment_id, filename, thumb=False)


@require_http_methods(["GET", "HEAD"])
def thumb(request: HttpRequest, attachment_id: int, filename: str) -> FileResponse:
    return _picture(attachment_id, filename, thumb=True)


def _state(request: HttpRequest, attachment: Attachment) -> dict:
    moderator = permissions.is_moderator(request.user, attachment)
    bought = (bool(attachment.price) and not permissions.is_free_for(request.user, attachment, moderator=moderator)
              and queries.has_bought(request.user, attachment))
    try:
        permissions.check_download(request.user, attachment, moderator=moderator, bought=bought)
        refusal = ""
    except PermissionDenied as error:
        refusal = str(error)
    return {"moderator": moderator, "bought": bought, "refusal": refusal}


def _page(request: HttpRequest, attachment: Attachment, *, form=None, error: str = "", status: int = 200):
    state = _state(request, attachment)
    buyers, buyer_count = queries.buyers(attachment) if attachment.price or attachment.purchases.exists() else ([], 0)
    owner = permissions.signed_in(request.user) and request.user.pk == attachment.owner_id
    if owner and not attachment.is_image and form is None:
        form = SettingsForm(initial={"price": attachment.price, "min_level": attachment.min_level_id})
    return render(request, "attachments/attachment.html", {
        "a": attachment, "floor": attachment.floor, "thread": attachment.floor.thread if attachment.floor else None,
        "buyers": buyers, "buyer_count": buyer_count, "form": form if owner else None, "error": error,
        "price_text": queries.price_text(attachment), "level": permissions.level_name(attachment.min_level_id),
        "size_text": queries.size_text, "image_url": image_url(attachment) if attachment.is_image else "",
        "may_buy": (bool(attachment.price) and not state["bought"] and attachment.floor_id is not None
                    and permissions.signed_in(request.user)
                    and not permissions.is_free_for(request.user, attachment, moderator=state["moderator"])),
        **state,
    }, status=status)


@require_GET
def page(request: HttpRequest, attachment_id: str) -> HttpResponse:
    return _page(request, queries.access_attachment(request.user, attachment_id))


@require_http_methods(["GET", "HEAD"])
def download(request: HttpRequest, attachment_id: str) -> HttpResponseBase:
    attachment = queries.access_attachment(request.user, attachment_id)
    if attachment.is_image:
        return redirect(image_url(attachment))
    if not request.user.is_authenticated:
        return login_first(request)
    state = _state(request, attachment)
    if state["refusal"]:
        return error_page(request, status=403, title=_("Not allowed"), message=state["refusal"],
                          back=(reverse("attachments:page", args=[attachment.pk]), _("To the attachment's page")))
    response = _file(attachment.file, content_type=attachment.content_type, inline=False, filename=attachment.name,
                     cache="private, no-store")
    if request.method == "GET":
        counters.count_download(attachment.pk)
    return response


@require_POST
def buy(request: HttpRequest, attachment_id: str) -> HttpResponse:
    attachment = queries.access_attachment(request.user, attachment_id)
    if not request.user.is_authenticated:
        return login_first(request)
    try:
        purchase = services.attachment_buy(member=request.user, attachment=attachment)
    except PermissionDenied as error:
        return _page(request, attachment, error=str(error), status=403)
    except ValidationError as error:
        return _page(request, attachment, error=error.messages[0], status=400)
    messages.success(request, _("You bought “%(name)s” for %(price)s.") % {
        "name": attachment.name, "price": queries.price_text(attachment) if purchase.price == attachment.price
        else purchase.price})
    return redirect("attachments:page", attachment.pk)


@require_POST
def change(request: HttpRequest, attachment_id: str) -> HttpResponse:
    attachment = queries.access_attachment(request.user, attachment_id)
    if not request.user.is_authenticated:
        return login_first(request)
    form = SettingsForm(request.POST)
    if form.is_valid():
        try:
            services.attachment_update(member=request.user, attachment=attachment, price=form.cleaned_data["price"],
                                       min_level_id=form.cleaned_data["min_level"])
        except PermissionDenied as error:
            return _page(request, attachment, form=form, error=str(error), status=403)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The attachment's price and level are saved."))
            return redirect("attachments:page", attachment.pk)
    return _page(request, attachment, form=form, status=400)

