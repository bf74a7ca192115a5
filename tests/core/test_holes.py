"""The holes' form token: drawn per page, from the reader's own cookie."""

from django.middleware.csrf import _get_new_csrf_string, _unmask_cipher_token
from django.test import RequestFactory

from luntan.core.holes import masked_token


def test_each_page_gets_a_new_mask_over_the_same_secret():
    request = RequestFactory().get("/")
    secret = _get_new_csrf_string()
    request.META["CSRF_COOKIE"] = secret
    tokens = {masked_token(request) for _ in range(200)}
    assert len(tokens) == 200  # a new mask each time (against BREACH)
    assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    assert all(len(token) == 64 and token.isascii() and token.isalnum() for token in tokens)
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_a_visitor_without_a_secret_gets_a_new_one():
    request = RequestFactory().get("/")
    token = masked_token(request)
    assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
