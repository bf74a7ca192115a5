from django.urls import path

from luntan.reports import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.queue, name="queue"),
    path("reports/floor/<str:floor_id>/", views.report, name="report"),
    path("reports/floor/<str:floor_id>/settle/", views.settle, name="settle"),
]
