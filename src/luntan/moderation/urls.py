from django.urls import path

from luntan.moderation import views

app_name = "moderation"
urlpatterns = [
    path("thread/<str:thread_id>/", views.thread_manage, name="thread"),
    path("board/<str:board_id>/batch/", views.board_batch, name="batch"),
    path("board/<str:board_id>/types/", views.board_types, name="board_types"),
    path("recycle/", views.recycle, name="recycle"),
    path("log/", views.modlog, name="log"),
]
