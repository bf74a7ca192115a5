from django.urls import path

from luntan.credits import views

app_name = "credits"
urlpatterns = [
    path("credits/", views.my_credits, name="mine"),
    path("services/", views.services_home, name="services"),
    path("services/transfer/", views.transfer, name="transfer"),
    path("services/exchange/", views.exchange, name="exchange"),
]
