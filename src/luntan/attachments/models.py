"""附件 and 图片: files members upload into a post box. An upload belongs to its member until a floor they
post (or edit) refers to it; then it belongs to that floor. One that no floor ever used is an orphan: shown
nowhere, removed by `luntan attachments_cleanup`.

Images are stored as we re-encoded them (never the uploaded bytes) with a thumbnail; other files are kept as
uploaded and only ever served as downloads. The storage names are random and never shown: every file is
served by this app's views (luntan.attachments.views), whatever the storage behind
`django.core.files.storage.default_storage`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luntan.accounts.models import MemberGroup
from luntan.credits.models import CreditType
from luntan.forum.models import Floor

MAX_NAME_CHARS = 100


class Attachment(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("image")
        FILE = "file", _("attachment")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("uploaded by"))
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    # Part of every image address, so that the addresses cannot be guessed one from another.
    key = models.CharField(max_length=32, unique=True, editable=False)
    name = models.CharField(_("file name"), max_length=MAX_NAME_CHARS)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    file = models.CharField(max_length=200, editable=False)  # the storage's name
    thumbnail = models.CharField(max_length=200, blank=True, default="", editable=False)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    # Set when a floor of the owner's refers to it (luntan.attachments.services.floor_attachments_bind).
    floor = models.ForeignKey(Floor, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("floor"))
    price = models.PositiveIntegerField(_("price"), default=0)
    price_type = models.ForeignKey(CreditType, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("paid in"))
    # 阅读权限: the member level (its credits threshold) a reader must have reached to download.
    min_level = models.ForeignKey(MemberGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("minimum level"))
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    # Moves whenever what the floor's list shows changes: the thread's floors are rendered again.
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [
            models.Index(fields=["owner", "created_at"], name="attachment_owner_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price=0) | Q(price_type__isnull=False), name="attachment_priced_in"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE


class Purchase(models.Model):
    """A member bought an attachment: once, whatever they click (unique per attachment and member)."""

    attachment = models.ForeignKey(Attachment, on_delete=models.CASCADE, related_name="purchases")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    price = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment purchase")
        verbose_name_plural = _("attachment purchases")
        constraints = [
            models.UniqueConstraint(fields=["attachment", "member"], name="attachment_purchase_once"),
        ]

    def __str__(self) -> str:
        return f"purchase of attachment {self.attachment_id} by {self.member_id}"
