from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from luntan.core.views import language, media

urlpatterns = [
    path("", include("luntan.forum.urls")),
    path("", include("luntan.accounts.urls")),
    path("", include("luntan.protection.account_urls")),
    path("", include("luntan.credits.urls")),
    path("", include("luntan.medals.urls")),
    path("", include("luntan.items.urls")),
    path("stats/", include("luntan.stats.urls")),
    path("moderation/", include("luntan.moderation.urls")),
    path("", include("luntan.checkin.urls")),
    path("", include("luntan.wheel.urls")),
    path("", include("luntan.reactions.urls")),
    path("", include("luntan.polls.urls")),
    path("", include("luntan.attachments.urls")),
    path("", include("luntan.hidden.urls")),
    path("", include("luntan.latest.urls")),
    path("", include("luntan.notices.urls")),
    path("messages/", include("luntan.letters.urls")),
    path("", include("luntan.reports.urls")),
    path("", include("luntan.bans.urls")),
    path("", include("luntan.blog.urls")),
    path("moderation/", include("luntan.moderation.surgery_urls")),
    path("search/", include("luntan.search.urls")),
    path("", include("luntan.help.urls")),
    path("protection/", include("luntan.protection.urls")),
    path("lang/<str:code>/", language, name="language"),
    path("admin/", admin.site.urls),
]
if settings.LUNTAN["SERVE_MEDIA"] and settings.MEDIA_URL.startswith("/") and settings.MEDIA_URL.strip("/"):
    urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media, name="media"))

handler400 = "luntan.core.views.bad_request"
handler403 = "luntan.core.views.permission_denied"
handler404 = "luntan.core.views.page_not_found"
handler500 = "luntan.core.views.server_error"
