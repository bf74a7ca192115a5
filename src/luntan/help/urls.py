from django.urls import path

from luntan.help import views

app_name = "help"
urlpatterns = [
    path("help/", views.home, name="home"),
    path("help/<int:pk>/", views.article, name="article"),
]
