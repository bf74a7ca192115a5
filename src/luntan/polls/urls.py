from django.urls import path

from luntan.polls import views

app_name = "polls"
urlpatterns = [
    path("poll/<str:poll_id>/vote/", views.vote, name="vote"),
    path("poll/<str:poll_id>/voters/", views.voters, name="voters"),
]
