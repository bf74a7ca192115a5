from django.urls import path

from luntan.wheel import views

app_name = "wheel"
urlpatterns = [
    path("wheel/", views.home, name="home"),
    path("wheel/spin/", views.spin, name="spin"),
    path("wheel/seed/", views.seed, name="seed"),
    path("wheel/mine/", views.mine, name="mine"),
    path("wheel/verify/", views.verify, name="verify"),
]
