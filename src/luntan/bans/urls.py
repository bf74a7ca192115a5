from django.urls import path

from luntan.bans import views

app_name = "bans"
urlpatterns = [
    path("bans/", views.darkroom, name="list"),
    path("bans/new/", views.ban_new, name="new"),
    path("bans/warn/", views.warn, name="warn"),
    path("bans/<str:ban_id>/lift/", views.lift, name="lift"),
]
