"""What `luntan serve` runs: DEBUG off, hardened headers. HTTPS-only cookie and HSTS flags need
LUNTAN_HTTPS=1, because the embedded site is served over plain HTTP on loopback."""

from .base import *  # noqa: F403
from .base import LUNTAN, env_bool

DEBUG = False
# Administrators sign in with a second step (luntan.protection.twofactor) unless LUNTAN_ADMIN_2FA_REQUIRED=0
# (a demo or a development copy).
LUNTAN = {**LUNTAN, "ADMIN_2FA_REQUIRED": env_bool("LUNTAN_ADMIN_2FA_REQUIRED", True)}
if env_bool("LUNTAN_HTTPS", False):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
