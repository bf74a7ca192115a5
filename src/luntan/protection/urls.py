from django.urls import path

from luntan.protection import guests

app_name = "protection"

urlpatterns = [
    path("check/", guests.check, name="guest_check"),
]
