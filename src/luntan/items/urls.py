from django.urls import path

from luntan.items import views

app_name = "items"
urlpatterns = [
    path("services/items/", views.shop, name="shop"),
    path("services/items/buy/", views.buy, name="buy"),
    path("services/items/use/", views.use, name="use"),
]
