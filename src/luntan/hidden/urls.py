from django.urls import path

from luntan.hidden import views

app_name = "hidden"
urlpatterns = [
    path("floor/<str:floor_id>/part/<str:number>/buy/", views.buy, name="buy"),
    path("floor/<str:floor_id>/part/<str:number>/buyers/", views.buyers, name="buyers"),
    path("floor/<str:floor_id>/buy-thread/", views.thread_buy, name="thread_buy"),
]
