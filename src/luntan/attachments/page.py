"""Where attachments meet the thread page: the list under each floor (kept with the floor; its stamp is the
newest change of the thread's attachments, read with the kept thread), the binding of uploads to the floor
that uses them, the files sent with the post forms (without JavaScript), the picture addresses pages may
fetch, and the download counts' flusher."""

from collections.abc import Callable
from typing import Any, cast

from django.db.models import OuterRef, Subquery
from django.template import engines
from django.template.backends.jinja2 import Jinja2

from luntan.attachments import queries, services
from luntan.attachments.models import Attachment
from luntan.attachments.permissions import level_name
from luntan.core import buffers
from luntan.core.middleware import register_file_path
from luntan.forum import extensions
from luntan.markup import editor
from luntan.markup.links import IMAGE_PATHS

STAMP = "attachments_stamp"


def floor_lists(thread, floors) -> dict[int, str]:
    """{floor id: the list of its attachments}, for the floors being rendered (one query)."""
    found = queries.floor_files([f.pk for f in floors if not f.moved_floor_id])
    if not found:
        return {}
    template = cast(Jinja2, engines["jinja2"]).env.get_template("attachments/_floor_list.html")
    return {floor_id: template.render(items=items, price_text=queries.price_text, level_name=level_name,
                                       size_text=queries.size_text)
            for floor_id, items in found.items()}


class PostForms:
    """The post forms' plain file field (luntan.forum.extensions.PostUploads)."""

    def offer(self, member) -> str:
        return services.post_files_hint(member)

    def post(self, *, member, uploads: list, source: str, fmt: str, ip: str | None, write: Callable[[str], Any]):
        return services.floor_uploads_post(member=member, uploads=uploads, source=source, fmt=fmt, ip=ip,
                                           write=write)


def register() -> None:
    # The newest change of the thread's attachments (None for a thread with none: no query for its floors).
    extensions.register_thread_annotation(STAMP, Subquery(
        Attachment.objects.filter(floor__thread_id=OuterRef("pk"), kind=Attachment.Kind.FILE)
        .order_by("-changed_at").values("changed_at")[:1]))
    extensions.register_floor_addition(STAMP, floor_lists)
    extensions.register_floor_written(services.floor_attachments_bind)
    extensions.register_post_uploads(PostForms())
    for prefix in IMAGE_PATHS:
        register_file_path(prefix)
    buffers.register_flusher("attachment_downloads", services.downloads_flush)
    editor.register_upload("attachments:upload")
