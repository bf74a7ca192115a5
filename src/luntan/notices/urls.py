from django.urls import path
from django.views.generic import RedirectView

from luntan.notices import views

app_name = "notices"
urlpatterns = [
    path("notifications/", views.index, name="index"),
    path("notifications/count/", views.count, name="count"),
    path("notifications/read/", views.mark_all_read, name="read_all"),
    path("notifications/settings/", views.settings_page, name="settings"),
    path("notifications/following/", views.following, name="following"),
    path("notifications/follow/thread/<str:thread_id>/", views.follow_thread, name="follow_thread"),
    path("notifications/follow/member/<str:member_id>/", views.follow_member, name="follow_member"),
    path("notifications/<str:notice_id>/open/", views.open_notice, name="open"),
    path("notifications/<str:notice_id>/read/", views.mark_read, name="read"),
    # The old address of the list (提醒 before the notification centre).
    path("notices/", RedirectView.as_view(pattern_name="notices:index", permanent=True, query_string=True)),
]
