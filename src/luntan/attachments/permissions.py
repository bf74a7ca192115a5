"""Who may download an attachment, in one place: the attachment page, the download and the purchase ask
here. Pictures are shown to everyone who reads their floor; an attachment needs a signed-in reader, the
minimum level (阅读权限) if it has one, and, if it has a price, a purchase. Its uploader and the board's
moderators get it free."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from luntan.accounts import groups
from luntan.accounts.models import MemberGroup
from luntan.attachments.models import Attachment
from luntan.forum import permissions as forum_permissions

STAFF_ROLES = frozenset({MemberGroup.Role.ADMIN, MemberGroup.Role.SUPER_MODERATOR, MemberGroup.Role.MODERATOR})


def signed_in(member) -> bool:
    return bool(getattr(member, "is_authenticated", False)) and member.is_active


def is_moderator(member, attachment: Attachment) -> bool:
    floor = attachment.floor
    return floor is not None and forum_permissions.is_moderator(member, floor.thread.board)


def is_free_for(member, attachment: Attachment, *, moderator: bool) -> bool:
    """The uploader and the board's moderators never pay and need no level."""
    return signed_in(member) and (member.pk == attachment.owner_id or moderator)


def level_name(level_id: int | None) -> str:
    found = groups.all_groups().get(level_id) if level_id else None
    return found.name if found else ""


def meets_level(member, level_id: int | None) -> bool:
    """A member level is reached by total credits: the reader's total must reach the level's threshold.
    Staff groups pass; a level that is gone or has no threshold asks nothing."""
    level = groups.all_groups().get(level_id) if level_id else None
    if level is None or level.credits_from is None:
        return True
    if not signed_in(member):
        return False
    if groups.rules_for(member).role in STAFF_ROLES:
        return True
    return (member.credit_total or 0) >= level.credits_from


def check_level(member, attachment: Attachment) -> None:
    if not meets_level(member, attachment.min_level_id):
        raise PermissionDenied(_("This attachment is for members of the level “%(level)s” and above.") % {
            "level": level_name(attachment.min_level_id)})


def check_download(member, attachment: Attachment, *, moderator: bool, bought: bool) -> None:
    """Raises PermissionDenied, with what the reader can do about it, when they may not download."""
    if attachment.is_image or is_free_for(member, attachment, moderator=moderator):
        return
    if not signed_in(member):
        raise PermissionDenied(_("Please log in to download attachments."))
    check_level(member, attachment)
    if attachment.price and not bought:
        raise PermissionDenied(_("This attachment is for sale: buy it on its page first."))


def check_buy(member, attachment: Attachment, *, moderator: bool) -> None:
    if not signed_in(member):
        raise PermissionDenied(_("Please log in first."))
    if attachment.is_image or not attachment.price or attachment.floor_id is None:
        raise PermissionDenied(_("This attachment is not for sale."))
    if is_free_for(member, attachment, moderator=moderator):
        raise PermissionDenied(_("You may download this attachment free."))
    check_level(member, attachment)


def check_change(member, attachment: Attachment) -> None:
    """Only the uploader sets an attachment's price and level."""
    if not signed_in(member) or member.pk != attachment.owner_id:
        raise PermissionDenied(_("Only the member who uploaded this attachment may change it."))
    if attachment.is_image:
        raise PermissionDenied(_("Pictures have no price or level."))
