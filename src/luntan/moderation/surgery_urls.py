from django.urls import path

from luntan.moderation import surgery_views as views

app_name = "surgery"
urlpatterns = [
    path("thread/<str:thread_id>/merge/", views.merge, name="merge"),
    path("thread/<str:thread_id>/split/", views.split, name="split"),
    path("thread/<str:thread_id>/stick/", views.stick, name="stick"),
    path("approval/", views.queue, name="queue"),
]
