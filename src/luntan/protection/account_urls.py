from django.urls import path

from luntan.protection import account_views as views

app_name = "security"
urlpatterns = [
    path("login/code/", views.signin_code, name="signin_code"),
    path("settings/two-factor/", views.twofactor_page, name="twofactor"),
    path("settings/two-factor/off/", views.twofactor_off, name="twofactor_off"),
    path("settings/two-factor/recovery-codes/", views.recovery_renew, name="recovery_renew"),
    path("settings/security/", views.security_log, name="log"),
]
