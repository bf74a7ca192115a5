"""Placeholder views; replaced by the accounts pages."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("todo")


register = login = logout = password_change = password_reset = password_reset_sent = _todo
password_reset_confirm = password_reset_done = profile = _todo
