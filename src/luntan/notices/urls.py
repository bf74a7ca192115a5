from django.urls import path

from luntan.notices import views

app_name = "notices"
urlpatterns = [
    path("notices/", views.index, name="index"),
    path("notices/read/", views.mark_all_read, name="read_all"),
    path("notices/<str:notice_id>/open/", views.open_notice, name="open"),
]
