from django.urls import path

from luntan.accounts import avatars, views

app_name = "accounts"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("password/change/", views.password_change, name="password_change"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_sent, name="password_reset_sent"),
    path("password/reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("password/reset/done/", views.password_reset_done, name="password_reset_done"),
    path("settings/avatar/", views.avatar, name="avatar"),
    path("settings/avatar/remove/", views.avatar_remove, name="avatar_remove"),
    path("settings/signature/", views.signature, name="signature"),
    path("settings/signature/reading/", views.signature_reading, name="signature_reading"),
    path("user/<str:uid>/", views.profile, name="profile"),
    path("members/", views.member_list, name="members"),
    # Under MEDIA_URL, where every middleware takes requests for files (not a visit, not a page); before the
    # site's own /media/ route (luntan.urls), which serves other uploads from disk.
    path(f"{avatars.url_prefix().lstrip('/')}avatars/<int:uid>/<str:name>", views.avatar_file, name="avatar_file"),
]
