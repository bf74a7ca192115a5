from django.urls import path

from luntan.reactions import views

app_name = "reactions"
urlpatterns = [
    path("thread/<str:thread_id>/mood/", views.vote, name="vote"),
    path("floor/<str:floor_id>/like/", views.like, name="like"),
    path("moods/week/", views.weekly, name="weekly"),
]
