"""Settings for the party-building portal.

Embedded defaults (SQLite, local media, a file cache, tasks in the database)
unless an environment variable switches a service on. See README "Environment".
"""

import hashlib
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from base.env import check_environment, check_shared_cache, env_int, env_url
from base.private_files import private_dir, private_file, write_private


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
# Everything the running portal writes locally (database, media, generated secret): the
# owner's only (0700, base/private_files.py). nginx serves production media from a
# MEDIA_ROOT outside it (deploy/portal.env.example).
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))

# --- Start-up checks (base/env.py) -------------------------------------------------
# A missing or malformed variable stops the portal here, naming the variable.
check_environment()
# --- end of start-up checks -----------------------------------------------------------

DEBUG = env_bool("DEBUG", True)


def _secret_key():
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development: one random key per checkout, kept outside the repository.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        write_private(key_file, secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

# --- Organisation sites -------------------------------------------------------------
# Every organisation gets the site <code>.<PORTAL_DOMAIN>; the portal itself answers on
# PORTAL_DOMAIN. PORTAL_PORT is the port written into each Site (80 in production,
# 8000 for `make run`), so links between sites point at a server that answers.
PORTAL_DOMAIN = os.environ.get("PORTAL_DOMAIN", "localhost").strip().lower()
PORTAL_PORT = int(os.environ.get("PORTAL_PORT", "80"))
# Which organisation kinds may sit directly under which. "city" is the portal home.
PORTAL_ALLOWED_CHILD_KINDS = {
    "city": ["district"],
    "district": ["street"],
    "street": ["community", "branch"],
    "community": ["branch"],
    "branch": [],
}
# Path segments owned by the portal itself; no organisation code may take them.
PORTAL_RESERVED_CODES = [
    "admin",
    "api",
    "static",
    "media",
    "documents",
    "directory",
    "a11y",
    "search",
    "django-admin",
    "www",
    "hls",
    "healthz",
]

# Hosts are checked by sites.hosts.KnownHostMiddleware against the sites in the database,
# so a new organisation's hostname works without a restart; unknown hosts get the portal's
# Chinese 404 page instead of Django's DisallowedHost error.
ALLOWED_HOSTS = ["*"]
PORTAL_EXTRA_HOSTS = ["127.0.0.1", "[::1]", *env_list("ALLOWED_HOSTS")]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Proxies (nginx) whose X-Forwarded-For is believed for the client's address (rate limits,
# base/limits.py); the same list gunicorn trusts (deploy/gunicorn.conf.py).
PORTAL_TRUSTED_PROXIES = env_list("FORWARDED_ALLOW_IPS") or ["127.0.0.1", "::1"]

INSTALLED_APPS = [
    "portal",
    "sites.apps.OrganisationSitesConfig",
    "content",
    "kitchen",
    "screens",
    "learning",
    "livestream",
    "orglife",
    "oversight",
    "search",
    "wagtail_localize",
    "wagtail_localize.locales",  # replaces wagtail.locales (locale admin with sync)
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "wagtailmedia",
    "django_filters",
    "rest_framework",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Its catalogue translates the admin's naturaltime ("2 hours ago" → 2 小时之前).
    "django.contrib.humanize",
    # Last, so its ready() runs after Wagtail's (base/apps.py).
    "base.apps.BaseConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The request's user for the page-type rules Wagtail asks without one.
    "sites.acting_user.ActingUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "base.security.ContentSecurityPolicyMiddleware",
    # After the header middlewares, so its 404 carries CSP and X-Frame-Options too.
    "sites.hosts.KnownHostMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "learning.auth.PhoneOrUsernameBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "portal.urls"
LOGIN_URL = "member_login"
# Who sees members' full names on the public rankings (others see 张*静): "never",
# "district" (signed-in members of the same district) or "city" (any signed-in member).
PORTAL_RANKING_FULL_NAMES = os.environ.get("PORTAL_RANKING_FULL_NAMES", "district").strip()
LOGIN_REDIRECT_URL = "learning_me"
LOGOUT_REDIRECT_URL = "/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
            # base/'s tag libraries (base holds no models; see base/apps.py).
            "libraries": {
                "pictures": "base.templatetags.pictures",
                "sharing": "base.templatetags.sharing",
            },
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# --- Database -----------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The file (and so its WAL) is the owner's only, in a 0700 folder (base/private_files).
    if str(DATABASES["default"]["NAME"]) not in ("", ":memory:"):
        private_file(DATABASES["default"]["NAME"])
    # WAL lets the task worker and the web server use the file side by side.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------
# Redis when REDIS_URL is set (redis://, rediss:// or unix://): shared by every app server
# (live viewer counts, screens digests, rate limits). Short timeouts, so a Redis that is
# down gives a 503 page at once (portal/unavailable.py) instead of hanging workers.
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "OPTIONS": {
                "socket_connect_timeout": env_int("REDIS_TIMEOUT", 2),
                "socket_timeout": env_int("REDIS_TIMEOUT", 2),
                "health_check_interval": 30,
            },
        }
    }
else:
    # Without Redis: files in VAR_DIR/cache, which every process on this machine reads (the
    # web server, its gunicorn workers, the task worker), so version tokens (content ETags,
    # the site index) and Wagtail's site root paths agree at once across processes. A
    # local-memory cache would give each process its own copy. Several machines need
    # REDIS_URL (README "Production").
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
            "KEY_PREFIX": "portal",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
check_shared_cache(CACHES, DEBUG)

# --- Background tasks (django-tasks, database backend) ------------------------------
# `manage.py run_worker` runs them (kitchen/worker.py): it seeds the periodic scheduler at
# every start, puts tasks left RUNNING by a dead worker for PORTAL_TASK_STALE_AFTER seconds
# back in the queue (longer than the longest task), and retries transient database errors
# for PORTAL_WORKER_DB_RETRY seconds in a row before exiting non-zero.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
PORTAL_SCHEDULE_INTERVAL = env_int("PORTAL_SCHEDULE_INTERVAL", 30)
PORTAL_TASK_STALE_AFTER = env_int("PORTAL_TASK_STALE_AFTER", 3600)
PORTAL_WORKER_DB_RETRY = env_int("PORTAL_WORKER_DB_RETRY", 300)

# --- Files --------------------------------------------------------------------------
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Object storage (base/storage.py) when AWS_STORAGE_BUCKET_NAME is set: images,
# renditions, lesson media and posters get plain URLs (bucket policy: public GET except
# documents/); documents are private, served through Wagtail's privacy check and then
# redirected to a signed URL good for PORTAL_DOCUMENT_URL_EXPIRE seconds.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
AWS_S3_ENDPOINT_URL = env_url("AWS_S3_ENDPOINT_URL", ("http", "https")) or None
if AWS_STORAGE_BUCKET_NAME:
    default_storage = {
        "BACKEND": "base.storage.PortalS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or "us-east-1",
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "location": os.environ.get("AWS_LOCATION", "").strip("/"),
            "default_acl": os.environ.get("AWS_DEFAULT_ACL") or None,
            # Public files: plain URLs unless the bucket cannot be public.
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
            "querystring_expire": env_int("AWS_QUERYSTRING_EXPIRE", 3600),
            "private_expire": env_int("PORTAL_DOCUMENT_URL_EXPIRE", 300),
            "file_overwrite": False,
            # MinIO/Ceph/moto answer path-style; AWS itself prefers virtual hosts.
            "addressing_style": "path" if AWS_S3_ENDPOINT_URL else "auto",
            # Fail fast (then a 503, portal/unavailable.py) rather than hang workers.
            "connect_timeout": 3,
            "read_timeout": 30,
            "max_attempts": 2,
        },
    }
    # The document link always goes through Wagtail (view restrictions), then to S3.
    WAGTAILDOCS_SERVE_METHOD = "redirect"
else:
    default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    # Wagtail's document view checks the collection's view restriction, then streams.
    WAGTAILDOCS_SERVE_METHOD = "serve_view"
STORAGES = {
    "default": default_storage,
    # Production: content-hashed names and gzip copies (base/static_files.py), which
    # nginx serves compressed with a year's Cache-Control (deploy/nginx/portal.conf).
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "base.static_files.HashedStaticFilesStorage"
    },
    # Built 党支部工作手册 PDFs (orglife): private, served only through the admin view that
    # checks who may see the records. Local: PORTAL_PRIVATE_ROOT (0700, outside MEDIA_ROOT);
    # object storage: the bucket's private handbooks/ prefix (base/storage.py).
    "handbooks": dict(default_storage)
    if AWS_STORAGE_BUCKET_NAME
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get("PORTAL_PRIVATE_ROOT") or str(VAR_DIR / "private"),
            "base_url": "/no-public-url/",
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
}
# A handbook with more records (or members on its roll) than this is built by the task
# worker (progress shown on a status page); smaller ones in the request.
PORTAL_HANDBOOK_INLINE_RECORDS = env_int("PORTAL_HANDBOOK_INLINE_RECORDS", 40)
PORTAL_HANDBOOK_INLINE_MEMBERS = env_int("PORTAL_HANDBOOK_INLINE_MEMBERS", 300)

# --- Oversight (监督) ---------------------------------------------------------------
# An organisation with nothing public for this many days is 僵尸; 传达学习 reminders go out
# this many days before a directive's study deadline; the nightly run is queued by the
# first periodic run of a local day at or after this hour.
PORTAL_OVERSIGHT_ZOMBIE_DAYS = env_int("PORTAL_OVERSIGHT_ZOMBIE_DAYS", 60)
PORTAL_OVERSIGHT_RELAY_REMIND_DAYS = env_int("PORTAL_OVERSIGHT_RELAY_REMIND_DAYS", 3)
PORTAL_OVERSIGHT_HOUR = env_int("PORTAL_OVERSIGHT_HOUR", 1)
# Reminder email: a failing delivery is retried (5 min, doubling, at most 6 h) this often.
PORTAL_OVERSIGHT_MAIL_ATTEMPTS = env_int("PORTAL_OVERSIGHT_MAIL_ATTEMPTS", 8)

# --- Email (reminders) ---------------------------------------------------------------
# SMTP when EMAIL_HOST is set; without it (the demo) every mail is written as a file under
# VAR_DIR/mail/, the local mail catcher.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS 和 EMAIL_USE_SSL 只能开启一个")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"noreply@{PORTAL_DOMAIN}").strip()
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# Local media are served by Django only on the embedded set-up; nginx serves them in
# production (deploy/nginx). Documents are never served from /media/ (portal/views.py
# serve_media refuses /media/documents/ as nginx does, S3 keeps them private): they are
# reached only through Wagtail's document view (collection privacy), stored links (screen
# playlists) included.
PORTAL_SERVE_MEDIA = env_bool("PORTAL_SERVE_MEDIA", not AWS_STORAGE_BUCKET_NAME)
# var/ is made (or tightened to) 0700 when it exists or local media will create it; it is
# not created otherwise (production may keep everything elsewhere, on a read-only tree).
if VAR_DIR.exists() or (VAR_DIR in MEDIA_ROOT.parents and not AWS_STORAGE_BUCKET_NAME):
    private_dir(VAR_DIR)

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_PERMISSIONS = 0o644

# --- Learning ----------------------------------------------------------------------
WAGTAILMEDIA = {
    "MEDIA_MODEL": "learning.LessonMedia",
    "MEDIA_FORM_BASE": "learning.media_forms.LessonMediaForm",
    "AUDIO_EXTENSIONS": ["aac", "flac", "m4a", "mp3", "ogg", "opus", "wav"],
    "VIDEO_EXTENSIONS": ["m4v", "mov", "mp4", "webm"],
}
WAGTAILMEDIA_MAX_UPLOAD_SIZE = int(os.environ.get("WAGTAILMEDIA_MAX_UPLOAD_SIZE", 500 * 2**20))

# --- Metro screens ------------------------------------------------------------------
# Signed poll links (screens/feeds.py): nginx's secure_link checks them with this secret
# (`manage.py screens_nginx_conf` writes it into the config). Default: derived from
# SECRET_KEY, so it changes when that does; set it to rotate links on their own.
SCREENS_LINK_SECRET = (
    os.environ.get("SCREENS_LINK_SECRET")
    or hashlib.sha256(f"screens-poll-link:{SECRET_KEY}".encode()).hexdigest()
)
# Device tokens are stored as HMAC-SHA256 under this key (screens/models.py hash_token):
# a copied table is useless without it. Default: derived from SECRET_KEY; set it (to the
# value `manage.py shell -c "from django.conf import settings; print(settings.
# SCREENS_TOKEN_KEY)"` prints) before rotating SECRET_KEY, or every screen needs a new token.
SCREENS_TOKEN_KEY = (
    os.environ.get("SCREENS_TOKEN_KEY")
    or hashlib.sha256(f"screens-device-token:{SECRET_KEY}".encode()).hexdigest()
)
# How long a link is good for: the longest a revoked device can keep polling by its link.
PORTAL_SCREENS_LINK_TTL = int(os.environ.get("PORTAL_SCREENS_LINK_TTL", "600"))

# --- Live streaming (livestream/) -----------------------------------------------------
# nginx-rtmp takes the broadcaster's RTMP push, asks the portal (callbacks) whether the
# stream key is good, writes HLS into LIVESTREAM_HLS_DIR and a recording into
# LIVESTREAM_RECORD_DIR, from which the task worker makes the replay lesson. The
# callbacks carry LIVESTREAM_CALLBACK_SECRET (`manage.py livestream_nginx_conf` writes it
# into the config). Django serves the HLS folder itself when LIVESTREAM_SERVE_HLS (default:
# in development); production lets nginx serve it (deploy/nginx-live.conf).
LIVESTREAM_HLS_DIR = Path(os.environ.get("LIVESTREAM_HLS_DIR", VAR_DIR / "live" / "hls"))
LIVESTREAM_RECORD_DIR = Path(os.environ.get("LIVESTREAM_RECORD_DIR", VAR_DIR / "live" / "record"))
LIVESTREAM_HLS_URL = os.environ.get("LIVESTREAM_HLS_URL", "/hls/")
LIVESTREAM_RTMP_URL = os.environ.get("LIVESTREAM_RTMP_URL", f"rtmp://{PORTAL_DOMAIN}:1935/live")
LIVESTREAM_SERVE_HLS = env_bool("LIVESTREAM_SERVE_HLS", DEBUG)
LIVESTREAM_CALLBACK_SECRET = (
    os.environ.get("LIVESTREAM_CALLBACK_SECRET")
    or hashlib.sha256(f"livestream-callback:{SECRET_KEY}".encode()).hexdigest()
)
# A broadcaster may start this many minutes before the scheduled start.
LIVESTREAM_EARLY_MINUTES = int(os.environ.get("LIVESTREAM_EARLY_MINUTES", "30"))
# A stream key is good until the scheduled end, and at most this many hours.
LIVESTREAM_KEY_TTL_HOURS = int(os.environ.get("LIVESTREAM_KEY_TTL_HOURS", "168"))

# Heartbeat limits per 30-second window (livestream/viewers.py): distinct viewers counted
# per address (one NAT may hide a meeting room or a campus), heartbeats per address and
# per viewer (the player sends 3). Beyond the first, more ids are not counted; beyond the
# others the heartbeat gets 429.
LIVESTREAM_VIEWERS_PER_ADDRESS = env_int("LIVESTREAM_VIEWERS_PER_ADDRESS", 20)
LIVESTREAM_ADDRESS_BEATS = env_int("LIVESTREAM_ADDRESS_BEATS", 200)
LIVESTREAM_VIEWER_BEATS = env_int("LIVESTREAM_VIEWER_BEATS", 6)

# --- Search -------------------------------------------------------------------------
# Elasticsearch (search/elastic.py) replaces the database's own index when set: one index
# per locale behind the alias <prefix>-<locale>; replicas per index.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
ELASTICSEARCH_INDEX_PREFIX = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "portal")
ELASTICSEARCH_REPLICAS = int(os.environ.get("ELASTICSEARCH_REPLICAS", "1"))
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- Language and time --------------------------------------------------------------
# Chinese first: zh-hans at the URLs without a prefix. A visitor's first request follows
# the browser's Accept-Language (zh-TW/zh-HK/zh-Hant → /zh-hant/…, en → /en/…), their own
# choice (the switcher, remembered in the django_language cookie) wins afterwards
# (portal/language_choice.py). Admin users pick their language in their account
# settings; public translations (zh-hant, en) come with wagtail-localize.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# One time zone for every admin user: the account page then offers no choice among ~600
# English zone names (Wagtail drops the field when there is only one).
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Our catalogues come first (base/catalogues.py): locale/ holds the project's own strings
# (msgids are the zh-hans text; zh_Hant and en are translations of it), locale_wagtail/ the
# strings Wagtail's own catalogues lack.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_wagtail"]

# Content in three locales (portal/i18n.py). zh-hans pages keep their URLs; translations
# are served under /zh-hant/... and /en/... (i18n_patterns in portal/urls.py, without a
# prefix for the default language). LocaleMiddleware takes the language from that prefix
# only: with no prefix it activates LANGUAGE_CODE; the browser's Accept-Language and the
# visitor's cookie only choose where the first request is redirected (language_choice).
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
    "django.middleware.locale.LocaleMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("sites.hosts.KnownHostMiddleware") + 1,
    "portal.language_choice.LanguageChoiceMiddleware",
)
# A language prefix can never be an organisation code (/en/ must stay the English site).
PORTAL_RESERVED_CODES += ["zh", *(code for code, _ in LANGUAGES)]
# Editors review a translation before it goes out: a new translation of a live page is a
# draft until published (wagtail-localize would publish it at once by default).
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
# One click in the translation editor turns zh-hans into a zh-hant draft (OpenCC, phrase
# by phrase). PORTAL_OPENCC_VARIANT: "t" (default: traditional characters, wording kept as
# written, right for official documents), "tw" (Taiwan vocabulary too: 软件 → 軟體, but
# also 文件 → 檔案) or "hk" (Hong Kong characters). English is translated by hand.
PORTAL_OPENCC_VARIANT = os.environ.get("PORTAL_OPENCC_VARIANT", "t").strip().lower()
if PORTAL_OPENCC_VARIANT not in {"t", "tw", "hk"}:
    raise ImproperlyConfigured("PORTAL_OPENCC_VARIANT must be t, tw or hk.")
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
    "CLASS": "portal.translation.OpenCCTranslator",
    "OPTIONS": {"variant": PORTAL_OPENCC_VARIANT},
}

# --- Wagtail ------------------------------------------------------------------------
WAGTAIL_SITE_NAME = os.environ.get("PORTAL_NAME", "党建引领 红色门户")
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL",
    f"http://{PORTAL_DOMAIN}" + ("" if PORTAL_PORT == 80 else f":{PORTAL_PORT}"),
)
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# Wagtail 8 autosaves the page editor every half second after a change, as a draft
# revision: opening the image chooser (which touches the form) already saved one, and a
# branch secretary found a draft they never meant to keep. Off: a draft is saved when the
# editor presses 保存草稿 (or submits).
WAGTAIL_AUTOSAVE_INTERVAL = 0
WAGTAILDOCS_EXTENSIONS = [
    *["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "odt", "zip"],
    *["mp4", "webm"],  # short clips for the screen channel
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
# A document's content is checked on upload (base/uploads.py): markup is refused under any
# name, a PDF must parse and carry no script or automatic action. Only such PDFs are shown
# inline; every other document is served as an attachment.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "base.uploads.CheckedDocumentForm"
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 64_000_000  # rejects decompression bombs
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
# Every image form asks for the alt text (Wagtail's `description`) as 图片说明, required.
WAGTAILIMAGES_IMAGE_FORM_BASE = "base.image_forms.AltTextImageForm"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
WAGTAILAPI_LIMIT_MAX = 100

# --- Security -----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes: five wrong passwords lock that username from that address for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    # Production is served over HTTPS (nginx in front, X-Forwarded-Proto): secure cookies,
    # redirect plain HTTP, HSTS for the portal and every organisation's subdomain.
    # SECURE_COOKIES=0 turns all of it off (a plain-HTTP benchmark or intranet test).
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Wagtail's live preview shows our own pages in a frame: SAMEORIGIN, not DENY.
SILENCED_SYSTEM_CHECKS = ["security.W019"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Services unavailable (portal/unavailable.py) ---------------------------------------
# Redis or object storage unreachable: the error is logged (logger "portal.unavailable")
# and the visitor gets the Chinese 503 page (JSON on /api/), not a stack trace.
MIDDLEWARE = [*MIDDLEWARE, "portal.unavailable.ServiceUnavailableMiddleware"]
# --- end of services unavailable --------------------------------------------------------
