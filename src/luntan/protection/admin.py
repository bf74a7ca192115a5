"""The admin's own login page signs in through the same backend, so the sign-in limits hold there too;
this form tells a refused administrator how long to wait, as the site's login page does."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from luntan.protection import throttle


class AdminLoginForm(AdminAuthenticationForm):
    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            wait = getattr(self.request, "signin_wait", 0)
            if wait:
                raise ValidationError(throttle.too_many_attempts(wait), code="throttled") from None
            raise


admin.site.login_form = AdminLoginForm
