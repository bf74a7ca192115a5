"""Test overlay: a fast password hasher, e-mail kept in memory, a private cache per run."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import LUNTAN, REDIS_URL

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only: speed
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests post forms straight away, with no question answered: the form checks are off here, and the
# protection tests (tests/protection/test_verify*.py) turn them on.
LUNTAN = {**LUNTAN, "VERIFY_FORMS": False}
if REDIS_URL:
    # The same Redis as production, under a prefix of its own so tests never see a live site's keys.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"luntan-test-{os.getpid()}",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
GENERATION_FILE = None  # the generation in the test cache; tests/core/test_generation.py maps a file of its own
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "luntan.core.sqlite":  # noqa: F405
    # A file, not shared memory: concurrent writers then queue on SQLite's lock as in production, and the
    # browser tests' live server sees the same database.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"luntan-test-{os.getpid()}.sqlite3")
    }

# Uploads (avatars) of this run in a folder of its own, never among a real site's files in var/media/.
MEDIA_ROOT = Path(tempfile.gettempdir()) / f"luntan-test-media-{os.getpid()}"

# Static files straight from the apps (no collectstatic before tests), also for the browser tests' live server.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
