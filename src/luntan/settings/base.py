"""Settings shared by every environment. Every value can be set by an environment variable; the defaults
give a working embedded site (SQLite in var/, a disk cache) with no set-up at all."""

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any, TypedDict

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent  # src/luntan
PROJECT_DIR = Path(os.environ.get("LUNTAN_HOME", BASE_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("LUNTAN_VAR", PROJECT_DIR / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, or one generated once and kept in var/ so that sessions survive
    restarts of an embedded site."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Proxies whose X-Forwarded-For is believed (addresses or networks, e.g. "127.0.0.1,10.0.0.0/8"); none by
# default, so a client cannot pick its own address. Read in one place: luntan.core.presence.client_address.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an address or a network") from exc

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "luntan.core",
    "luntan.markup",
    "luntan.accounts",
    "luntan.forum",
    "luntan.credits",
    "luntan.attachments",
    "luntan.hidden",
    "luntan.help",
    "luntan.polls",
    "luntan.letters",
    "luntan.blog",
    "luntan.search",
    "luntan.moderation",
    "luntan.notices",
    "luntan.reactions",
    "luntan.latest",
    "luntan.reports",
    "luntan.bans",
    "luntan.medals",
    "luntan.items",
    "luntan.stats",
    "luntan.checkin",
    "luntan.wheel",
    "luntan.protection",
    "luntan.bench",  # only the `luntan bench` command
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "luntan.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "luntan.core.middleware.FetchDestinationMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "luntan.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "luntan.core.holes.HoleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "luntan.protection.limits.LimitsMiddleware",  # a request refused by a rate limit: 429 and Retry-After
    "luntan.bans.middleware.BanMiddleware",
    "luntan.core.middleware.PresenceMiddleware",
    "luntan.protection.guests.GuestCheckMiddleware",
]

ROOT_URLCONF = "luntan.urls"
WSGI_APPLICATION = "luntan.wsgi.application"

# Site pages use Jinja2: a thread page renders several times faster than with Django's template language
# (see docs/benchmarks.md). Django's own admin keeps the Django engine.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "luntan.core.jinja.environment", "auto_reload": DEBUG},
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.DjangoTemplates"

# --- Database: SQLite in var/ unless DATABASE_URL says otherwise -------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'luntan.sqlite3'}", conn_max_age=600, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite with writers queued by the kernel (see luntan.core.sqlite.base).
    DATABASES["default"]["ENGINE"] = "luntan.core.sqlite"
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if DEBUG else 600
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing half-way;
    # WAL lets readers go on while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set, else a disk cache shared by all worker processes -------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "luntan.core.diskcache_backend.DiskCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "TIMEOUT": 300,
            "SHARDS": 4,
            "DATABASE_TIMEOUT": 1.0,
            "OPTIONS": {"size_limit": 2**30},
        }
    }
# With the disk cache (one machine) the generation number every request reads lives in a small file that all
# the processes map into memory (luntan.core.generation); beside the database, never removed while it runs.
GENERATION_FILE: str | None = None if REDIS_URL else str(VAR_DIR / "generation")
# Sessions live in the cache and, for durability, the database: reading a page does not touch the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
MESSAGE_STORAGE = "luntan.core.messages.LazyFallbackStorage"  # Django's, with the cookie signer made on use
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30

# --- Members --------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.Member"
# Usernames are unique ignoring case through a database constraint on Lower(username), which this check
# cannot see.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
AUTHENTICATION_BACKENDS = ["luntan.accounts.backends.UsernameOrEmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "forum:home"
LOGOUT_REDIRECT_URL = "forum:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_HTTPONLY = True  # only the server reads it
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded files (avatars, attachments) go through Django's storage API (django.core.files.storage.default_storage):
# MEDIA_ROOT on local disk by default, an S3-compatible bucket (AWS S3, MinIO, Ceph, 阿里云 OSS ...) when
# LUNTAN_S3_BUCKET is set. The bucket stays private: the site streams every file through its own views with its
# own headers (luntan.accounts.views.avatar_file for avatars), so nothing is ever served from the bucket's origin.
# Behind nginx with S3, drop nginx's `location /media/` (deploy/nginx.conf): there is nothing on disk to serve.
S3_BUCKET = os.environ.get("LUNTAN_S3_BUCKET", "")


def s3_storage(*, bucket: str, endpoint_url: str = "", access_key: str = "", secret_key: str = "",
               region: str = "", prefix: str = "") -> dict[str, Any]:
    """STORAGES["default"] for django-storages' S3 backend: a private bucket (no ACL given, URLs signed if ever
    made), files named by their content so overwriting one writes the same bytes."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,  # None: AWS itself
            "access_key": access_key or None,  # None: boto3's own chain (instance role, ~/.aws ...)
            "secret_key": secret_key or None,
            "region_name": region or None,
            # Other S3-compatible services want bucket names in the path, not in the host name.
            "addressing_style": "path" if endpoint_url else None,
            "location": prefix.strip("/"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": True,
        },
    }


STORAGES: dict[str, dict[str, Any]] = {
    "default": (
        s3_storage(bucket=S3_BUCKET, endpoint_url=os.environ.get("LUNTAN_S3_ENDPOINT_URL", ""),
                   access_key=os.environ.get("LUNTAN_S3_ACCESS_KEY", ""),
                   secret_key=os.environ.get("LUNTAN_S3_SECRET_KEY", ""),
                   region=os.environ.get("LUNTAN_S3_REGION", ""), prefix=os.environ.get("LUNTAN_S3_PREFIX", ""))
        if S3_BUCKET else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- E-mail: the console by default, SMTP when EMAIL_HOST is set ------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "luntan@localhost")

# --- Request limits -----------------------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 512 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

# --- Security headers (HTTPS-only flags are switched on in settings.production behind LUNTAN_HTTPS) -----
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "luntan.core.views.csrf_failure"

# --- The forum's own knobs ----------------------------------------------------------------------------------
class LuntanSettings(TypedDict):
    SITE_NAME: str
    FLOORS_PER_PAGE: int
    THREADS_PER_PAGE: int
    ONLINE_MINUTES: int
    MAX_BODY_CHARS: int
    MAX_TITLE_CHARS: int
    USERNAME_MIN_CHARS: int
    USERNAME_MAX_CHARS: int
    MAX_SIGNATURE_CHARS: int
    MAX_PASSWORD_CHARS: int
    PAGE_CACHE_SECONDS: int
    FLUSH_SECONDS: int
    STATS_MINUTES: int
    AVATAR_MAX_KB: int
    SERVE_MEDIA: bool
    VERIFY_FORMS: bool
    ADMIN_2FA_REQUIRED: bool
    SELL_CREDIT_SLOT: int
    SELL_MAX_PRICE: int
    NOTICE_POLL_SECONDS: int
    SEARCH_BACKEND: str
    LIMITS: dict[str, Any]


LUNTAN: LuntanSettings = {
    "SITE_NAME": os.environ.get("LUNTAN_SITE_NAME", "论坛"),
    "FLOORS_PER_PAGE": 20,
    "THREADS_PER_PAGE": 20,
    "ONLINE_MINUTES": 15,
    # Every limit a member meets is read from here: services, forms, templates (maxlength) and the models'
    # max_length (taken at import: a change there needs a migration).
    "MAX_BODY_CHARS": 50_000,
    "MAX_TITLE_CHARS": 80,
    "USERNAME_MIN_CHARS": 2,
    "USERNAME_MAX_CHARS": 15,
    "MAX_SIGNATURE_CHARS": 500,
    "MAX_PASSWORD_CHARS": 4096,  # long passphrases are welcome; a megabyte of "password" is not
    # [sell=N] (luntan.hidden): paid content is priced in the credit type of this slot (the trade currency,
    # as the default medals and items are), at most this much; the seller gets the price less the economy's
    # transfer tax.
    "SELL_CREDIT_SLOT": 1,
    "SELL_MAX_PRICE": 1000,
    # Cached anonymous pages and floor lists live this long at most; writes invalidate them at once.
    "PAGE_CACHE_SECONDS": 60,
    # Buffered view counts, online time and last activity are written to the database this often.
    "FLUSH_SECONDS": 30,
    # The statistics page's figures and rankings (/stats/) are computed at most this often.
    "STATS_MINUTES": int(os.environ.get("LUNTAN_STATS_MINUTES", "10")),
    # An uploaded avatar may be as large as the member's group allows for attachments, and never larger
    # than this (KB). Requests are cut at 3 MiB before the site sees them (luntan.core.buffering_worker,
    # deploy/nginx.conf), so more than about 2900 here would not arrive anyway.
    "AVATAR_MAX_KB": 2048,
    # Uploaded files (MEDIA_URL, e.g. avatars) are served by the site itself, so that `make run` shows them
    # with no other web server; behind nginx, which serves /media/ from disk (deploy/nginx.conf), the route
    # is never reached, and LUNTAN_SERVE_MEDIA=0 removes it.
    "SERVE_MEDIA": env_bool("LUNTAN_SERVE_MEDIA", True),
    # The checks of registration, new threads and replies (luntan.protection.challenge): the admin's
    # verification question or proof of work, a honeypot field and a minimum time to fill the form. Off
    # only in the test overlay, whose tests post forms directly; the protection tests turn it on.
    "VERIFY_FORMS": env_bool("LUNTAN_VERIFY_FORMS", True),
    # Staff must sign in with two-factor codes (luntan.protection.twofactor) and are sent to its set-up page
    # before any admin page until they do. Off here (tests, development); on in settings.production unless
    # LUNTAN_ADMIN_2FA_REQUIRED=0.
    "ADMIN_2FA_REQUIRED": env_bool("LUNTAN_ADMIN_2FA_REQUIRED", False),
    # How often an open page asks for the member's unread notices (the header's number; docs/benchmarks.md
    # "Unread count poll" has what 1,000 open pages cost at this interval).
    "NOTICE_POLL_SECONDS": int(os.environ.get("LUNTAN_NOTICE_POLL_SECONDS", "30")),
    # The search backend (luntan.search.api.BACKENDS): empty, the database's own (FTS5 on SQLite, full text
    # on PostgreSQL, plain LIKE on any other); "like" forces the LIKE search, as Discuz! does it.
    "SEARCH_BACKEND": os.environ.get("LUNTAN_SEARCH_BACKEND", ""),
    # How often a visitor may try things (luntan.protection.throttle); (tries, seconds) is at most that
    # many tries per period of that length.
    "LIMITS": {
        "SIGNIN_FREE_TRIES": 5,  # wrong passwords for one account from one address before the delays start
        "SIGNIN_FIRST_DELAY": 60,  # seconds; each further wrong password doubles it...
        "SIGNIN_LONGEST_DELAY": 60 * 60,  # ...up to this
        "SIGNIN_PER_ACCOUNT": (20, 15 * 60),  # wrong passwords for one account from all addresses
        "SIGNIN_PER_ADDRESS": (40, 15 * 60),  # wrong passwords from one address for all accounts
        "SIGNIN_KNOWN_ADDRESS_DAYS": 30,  # an address a member signed in from is spared the two limits above
        "RESET_MAIL_PER_ADDRESS": (5, 60 * 60),  # password-reset requests from one address
        "RESET_MAIL_PER_EMAIL": (3, 60 * 60),  # password-reset requests for one e-mail address
        "REGISTER_PER_ADDRESS": (5, 60 * 60),  # new accounts from one address
        "REPORTS_PER_MEMBER": (10, 60 * 60),  # 举报 sent by one member (luntan.reports)
        "REPORT_PER_ADDRESS": (20, 60 * 60),  # 举报 sent from one address
        "SEARCH_PER_ADDRESS": (60, 60),  # searches from one address, by guests and members alike (/search/)
        "SEARCH_PER_MEMBER": (30, 60),  # searches by one signed-in member, from any address
        # Defaults of the per-action limits (luntan.protection.limits); the admin sets other numbers per user
        # group (频率限制), e.g. higher for moderators.
        "POST_PER_MEMBER": (10, 60 * 60),  # new threads by one member
        "POST_PER_ADDRESS": (20, 60 * 60),  # new threads from one address
        "REPLY_PER_MEMBER": (60, 60 * 60),  # replies by one member
        "REPLY_PER_ADDRESS": (120, 60 * 60),  # replies from one address
        "MESSAGE_PER_MEMBER": (30, 60 * 60),  # short messages (短消息) sent by one member
        "MESSAGE_PER_ADDRESS": (60, 60 * 60),  # short messages sent from one address
        "UPLOAD_PER_MEMBER": (20, 60 * 60),  # uploads (avatars, attachments) by one member
        "UPLOAD_PER_ADDRESS": (40, 60 * 60),  # uploads from one address
        "VOTE_PER_MEMBER": (60, 10 * 60),  # mood votes and likes by one member
        "VOTE_PER_ADDRESS": (120, 10 * 60),  # mood votes and likes from one address
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
