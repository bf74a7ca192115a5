from django.urls import path

from luntan.medals import views

app_name = "medals"
urlpatterns = [
    path("services/medals/", views.index, name="index"),
    path("services/medals/buy/", views.buy, name="buy"),
]
