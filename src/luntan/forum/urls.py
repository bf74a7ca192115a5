from django.urls import path

from luntan.forum import views

app_name = "forum"
urlpatterns = [
    path("", views.home, name="home"),
    path("board/<str:board_id>/", views.board, name="board"),
    path("thread/new/", views.thread_new, name="thread_new"),
    path("thread/<str:thread_id>/", views.thread, name="thread"),
    path("thread/<str:thread_id>/floor/<str:number>/", views.floor_jump, name="floor"),
    path("thread/<str:thread_id>/next/", views.thread_next, name="thread_next"),
    path("thread/<str:thread_id>/previous/", views.thread_previous, name="thread_previous"),
    path("thread/<str:thread_id>/reply/", views.reply, name="reply"),
    path("floor/<str:floor_id>/", views.floor_link, name="floor_link"),
    path("floor/<str:floor_id>/edit/", views.floor_edit, name="floor_edit"),
    path("floor/<str:floor_id>/delete/", views.floor_delete, name="floor_delete"),
    path("preview/", views.preview, name="preview"),
]
