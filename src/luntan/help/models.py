"""帮助: the help centre's articles, in a tree (a category is an article at the top; its articles hang under
it). The body is stored as the admin wrote it and as cooked HTML (luntan.markup); placeholders such as
{{ checkin.rewards }} stay in both and are filled from the live settings when a page is shown
(luntan.help.placeholders)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FORMAT_CHOICES = [("markdown", "Markdown"), ("bbcode", "BBCode")]
MAX_SOURCE_CHARS = 50_000


class Article(models.Model):
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent"),
                               help_text=_("Empty: a category at the top of the help centre."))
    title = models.CharField(_("title"), max_length=80)
    order = models.PositiveIntegerField(_("order"), default=0, help_text=_("Smaller numbers come first."))
    fmt = models.CharField(_("format"), max_length=10, choices=FORMAT_CHOICES, default="markdown")
    source = models.TextField(_("text"), blank=True, default="", help_text=_(
        "Markdown or BBCode. Numbers from the site's settings are written as placeholders, filled when the page "
        "is shown: {{ credits.types }}, {{ credits.rules }}, {{ credits.formula }}, {{ credits.transfer }}, "
        "{{ levels }}, {{ checkin.rewards }}, {{ wheel.odds }}, {{ wheel.cost }}, {{ newcomers.hours }}, "
        "{{ newcomers.threads_per_day }}, {{ newcomers.replies_per_day }}, {{ newcomers.links_after_posts }}, "
        "{{ verify.kind }}, {{ verify.posts_below }}, {{ verify.min_seconds }}. Alone on its line, "
        "{{ credits.types }}, {{ credits.rules }}, {{ levels }} or {{ wheel.odds }} becomes a table."))
    html = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("help article")
        verbose_name_plural = _("help articles")

    def __str__(self) -> str:
        return self.title
