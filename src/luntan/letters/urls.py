from django.urls import path

from luntan.letters import views

app_name = "letters"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.start, name="start"),
    path("blocked/", views.blocks, name="blocks"),
    path("blocked/<str:member_id>/remove/", views.unblock, name="unblock"),
    path("<str:conversation_id>/", views.conversation, name="conversation"),
    path("<str:conversation_id>/reply/", views.reply, name="reply"),
    path("<str:conversation_id>/open/", views.open_conversation, name="open"),
    path("<str:conversation_id>/read/", views.mark_read, name="read"),
    path("<str:conversation_id>/leave/", views.leave, name="leave"),
    path("<str:conversation_id>/add/", views.add, name="add"),
]
