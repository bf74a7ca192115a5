from django.urls import path

from luntan.latest import feeds, views

app_name = "latest"
urlpatterns = [
    path("latest/", views.index, name="index"),
    path("latest/feed/", feeds.LatestFeed(), name="feed"),
    path("digest/", views.digest, name="digest"),
    path("digest/feed/", feeds.DigestFeed(), name="digest_feed"),
    path("board/<str:board_id>/feed/", feeds.BoardFeed(), name="board_feed"),
]
