"""The help centre's writes: the admin's, through the Django admin (luntan.help.admin)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luntan.core.text import clean_body, clean_line
from luntan.help.models import FORMAT_CHOICES, MAX_SOURCE_CHARS, Article
from luntan.markup.cooking import cook


def _check_admin(by) -> None:
    if not (by.is_authenticated and by.is_active and (by.is_superuser or by.is_staff)):
        raise PermissionDenied(_("Only the site's administrators may change the help articles."))


def _check_parent(article: Article) -> None:
    parent = article.parent
    seen = set()
    while parent is not None:
        if article.pk is not None and parent.pk == article.pk:
            raise ValidationError(_("An article cannot be placed under itself or under one of its own articles."),
                                  code="parent_loop")
        if parent.pk in seen:  # a loop made before: stop rather than walk for ever
            break
        seen.add(parent.pk)
        parent = Article.objects.filter(pk=parent.parent_id).first() if parent.parent_id else None


def article_save(*, by, article: Article) -> Article:
    """Creates or changes an article: title and text cleaned, the text cooked, the tree kept a tree."""
    _check_admin(by)
    article.title = clean_line(article.title or "")
    if not article.title:
        raise ValidationError(_("An article needs a title."), code="title")
    if article.fmt not in dict(FORMAT_CHOICES):
        raise ValidationError(_("Unknown format."), code="fmt")
    article.source = clean_body(article.source or "")
    if len(article.source) > MAX_SOURCE_CHARS:
        raise ValidationError(_("The text is too long: at most %(n)s characters.") % {"n": MAX_SOURCE_CHARS},
                              code="source_long")
    with transaction.atomic():
        _check_parent(article)
        article.html = cook(article.source, fmt=article.fmt) if article.source else ""
        article.updated_at = timezone.now()
        article.save()
    return article


def article_delete(*, by, article: Article) -> None:
    _check_admin(by)
    with transaction.atomic():
        if Article.objects.filter(parent_id=article.pk).exists():
            raise ValidationError(_("This article has articles under it: move or delete them first."),
                                  code="has_children")
        article.delete()
