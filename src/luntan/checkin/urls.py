from django.urls import path

from luntan.checkin import views

app_name = "checkin"
urlpatterns = [
    path("checkin/", views.page, name="page"),
]
