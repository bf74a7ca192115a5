from django.urls import path

from luntan.attachments import views

app_name = "attachments"
urlpatterns = [
    path("uploads/new/", views.upload, name="upload"),
    # The same shapes as luntan.markup.links.IMAGE_PATHS and ATTACHMENT_PATH.
    path("uploads/image/<int:attachment_id>/<str:filename>", views.image, name="image"),
    path("uploads/thumb/<int:attachment_id>/<str:filename>", views.thumb, name="thumb"),
    path("attachment/<str:attachment_id>/", views.page, name="page"),
    path("attachment/<str:attachment_id>/download/", views.download, name="download"),
    path("attachment/<str:attachment_id>/buy/", views.buy, name="buy"),
    path("attachment/<str:attachment_id>/settings/", views.change, name="settings"),
]
