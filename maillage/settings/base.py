"""Settings shared by every environment, read from the environment in one place.

The embedded default (SQLite, in-memory channel layer, local-memory cache, database search) needs no
variable at all; each scale-out engine is switched on by its URL:

- ``DATABASE_URL``: ``postgres://…`` (default: SQLite file ``var/maillage.sqlite3``, WAL mode)
- ``REDIS_URL``: Redis for the channel layer and the cache (default: in memory)
- ``OPENSEARCH_URL`` (or ``SEARCH_URL``): an OpenSearch 2.x node for the search over everything
  (default: the database's full-text search); ``ELASTICSEARCH_URL``: an Elasticsearch 8/9 node
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("MAILLAGE_VAR_DIR", BASE_DIR / "var"))


def env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_list(name, default=()):
    value = env(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_tasks_db",
    "axes",
    "taggit",
    "modelcluster",
    "django_htmx",
    "widget_tweaks",
    "dsfr",
    "wagtail.contrib.forms",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "maillage",
    "directory",
    "communities",
    "search",
    "chat",
    "forums",
    "wiki",
    "ideas",
    "documents",
    "calls",
    "notifications",
    "cms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The permission policy remembers what it reads for the length of one request.
    "maillage.policy.PolicyScopeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Refuses NUL, control characters and lone surrogates in any input before any view.
    "maillage.middleware.InputGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "maillage.middleware.BackOfficeCSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "maillage.middleware.RequestLogMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "maillage.urls"
ASGI_APPLICATION = "maillage.asgi.application"
WSGI_APPLICATION = "maillage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "maillage.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DEFAULT_SQLITE_PATH = VAR_DIR / "maillage.sqlite3"
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}")


def database_from_url(url):
    config = dj_database_url.parse(url, conn_max_age=0)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers go on while one writer writes; IMMEDIATE transactions make writers
        # queue on the busy timeout instead of failing with "database is locked".
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # No JIT compilation: it pays off for long analytic queries, while a page's query that
        # the planner costs above jit_above_cost spent 11 ms compiling for an 80 ms run (the
        # directory's skill search at 82,000 agents). A long batch may ``SET jit = on``.
        config.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    return config


DATABASES = {"default": database_from_url(DATABASE_URL)}
# Keep connections between requests and WebSocket events (checked before reuse): a new
# connection for every chat message (a PostgreSQL log-in, or a SQLite close that checkpoints the
# WAL) was most of the message's cost.
DATABASES["default"]["CONN_MAX_AGE"] = int(env("DATABASE_CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Wagtail's database search index uses PostgreSQL's full-text fields and GIN indexes there,
    # which the system checks refuse without this app (postgres.E005).
    INSTALLED_APPS.append("django.contrib.postgres")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and cache ---------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # A full queue drops group messages: clients then catch up from the database.
            # redis-py 8 reads with a 5 s socket timeout by default, the very time channels_redis
            # blocks in BZPOPMIN: an idle connection's read could time out first and close the
            # WebSocket with 1011. The timeout must stay above that blocking time.
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],
                "prefix": "maillage",
                "capacity": 1000,
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "maillage",
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 1000}}
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background tasks -----------------------------------------------------------------------
# Django's tasks API. The database backend needs no server; its worker is started by `make run`
# (`manage.py db_worker`) and by the worker service of docker-compose.yml.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Server process -------------------------------------------------------------------------
# The cyclic garbage collector of the Daphne processes (maillage/asgi.py): how many new objects
# start a collection of the youngest generation (Python's default: 700). 0 leaves Python's
# settings as they are.
SERVER_GC_THRESHOLD = int(env("SERVER_GC_THRESHOLD", "10000"))

# --- Chat -----------------------------------------------------------------------------------
CHAT_RATE_LIMIT = int(env("CHAT_RATE_LIMIT", "20"))  # messages per agent ...
CHAT_RATE_WINDOW = 10  # ... per this many seconds

# --- Uploaded files (maillage/uploads.py: every app's attachments) ---------------------------
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# Accepted files: extension -> the first bytes the file must start with (None: text).
UPLOAD_TYPES = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
    "odt": (b"PK\x03\x04",),
    "ods": (b"PK\x03\x04",),
    "odp": (b"PK\x03\x04",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "zip": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
    "ppt": (b"\xd0\xcf\x11\xe0",),
    "txt": None,
    "csv": None,
    "md": None,
}

# --- Document libraries (documents/) -----------------------------------------------------------
# A community's quota when its animators set none (every version kept counts), and one file's
# largest size.
DOCUMENTS_QUOTA_BYTES = int(env("DOCUMENTS_QUOTA_BYTES", str(1024 * 1024 * 1024)))
DOCUMENTS_MAX_FILE_BYTES = int(env("DOCUMENTS_MAX_FILE_BYTES", str(50 * 1024 * 1024)))

# --- Notifications ---------------------------------------------------------------------------
# Digests go out once the day (daily) or the Monday (weekly) reaches this local hour.
NOTIFICATIONS_DIGEST_HOUR = 7

# --- Search ---------------------------------------------------------------------------------
# The search over everything (search/everything.py) runs on the database (SQLite FTS5,
# PostgreSQL full-text) unless an engine URL is given: OPENSEARCH_URL (SEARCH_URL says the
# same) or ELASTICSEARCH_URL — the same mapping and queries (search/backends/engine.py). Both at
# once is a configuration error. The directory's faceted search of agents follows: on the
# engine's index when there is one (directory/search_engine.py), else on the database
# (directory/search_backend.py); SEARCH_BACKEND overrides.
OPENSEARCH_URL = env("OPENSEARCH_URL") or env("SEARCH_URL")
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL")
if OPENSEARCH_URL and ELASTICSEARCH_URL:
    raise ImproperlyConfigured(
        "OPENSEARCH_URL (or SEARCH_URL) and ELASTICSEARCH_URL are both set: name one engine."
    )
SEARCH_ENGINE = (
    "opensearch" if OPENSEARCH_URL else "elasticsearch" if ELASTICSEARCH_URL else "database"
)
SEARCH_ENGINE_URL = OPENSEARCH_URL or ELASTICSEARCH_URL
# The engine's index (an alias over the index really written, so a rebuild swaps it at once),
# and how long a search may wait for it before the page says it is unavailable.
SEARCH_INDEX = env("SEARCH_INDEX", "maillage")
SEARCH_TIMEOUT = float(env("SEARCH_TIMEOUT", "5"))
SEARCH_BACKEND = env("SEARCH_BACKEND") or ("engine" if SEARCH_ENGINE != "database" else "database")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- Reverse proxies ------------------------------------------------------------------------
# How many reverse proxies in front of the web processes append the address they received the
# request from to X-Forwarded-For (deploy/nginx.conf does: 1 in docker-compose.yml). The client's
# address is the one the outermost of them saw (maillage.net.client_ip). 0 (`make run`): no proxy,
# the client is the connection's peer and X-Forwarded-For, which anyone can write, is ignored.
TRUSTED_PROXY_COUNT = env("TRUSTED_PROXY_COUNT", "0")
if not (TRUSTED_PROXY_COUNT.isascii() and TRUSTED_PROXY_COUNT.isdigit()):
    raise ImproperlyConfigured(
        f"TRUSTED_PROXY_COUNT must be a number of proxies, 0 or more, not {TRUSTED_PROXY_COUNT!r}."
    )
TRUSTED_PROXY_COUNT = int(TRUSTED_PROXY_COUNT)

# --- Agents and sign-in ---------------------------------------------------------------------
AUTH_USER_MODEL = "directory.Agent"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day, for reset and sign-up confirmation links

TAGGIT_CASE_INSENSITIVE = True
TAGGIT_TAGS_FROM_STRING = "directory.tags.comma_splitter"
TAGGIT_STRING_FROM_TAGS = "directory.tags.comma_joiner"

# Self sign-up is open only to these e-mail domains and their sub-domains.
SIGNUP_ALLOWED_DOMAINS = env_list("SIGNUP_ALLOWED_DOMAINS", ["gouv.fr"])

# Brute-force protection: five failures for one address from one client lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address as the trusted proxies saw it, not a value the client could have written
# (a forged X-Forwarded-For would make each attempt a new client).
AXES_CLIENT_IP_CALLABLE = "maillage.net.client_ip"
# The sign-in form posts the address as "username" (axes would look for the model's USERNAME_FIELD,
# "email", find nothing and count every failure of a client under one anonymous key); the
# callable reads it there and lower-cases it, as sign-in matches the address in any case.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "directory.lockout.lockout_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False

# Uploaded profile photos: size limit and the box they are resized into.
PHOTO_MAX_UPLOAD_BYTES = int(env("PHOTO_MAX_UPLOAD_BYTES", str(5 * 1024 * 1024)))
PHOTO_MAX_DIMENSION = 512
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------
# EMAIL_BACKEND picks the backend: "smtp" (default), "file" (written to EMAIL_FILE_PATH),
# "console", or a dotted path.
EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
}


def mailer(backend):
    backend = EMAIL_BACKENDS.get(backend, backend)
    if backend == EMAIL_BACKENDS["smtp"]:
        options = {
            "host": env("EMAIL_HOST", "localhost"),
            "port": int(env("EMAIL_PORT", "25")),
            "username": env("EMAIL_HOST_USER", ""),
            "password": env("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "use_ssl": env_bool("EMAIL_USE_SSL", False),
            "timeout": 10,
        }
    elif backend == EMAIL_BACKENDS["file"]:
        options = {"file_path": env("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))}
    else:
        options = {}
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


MAILERS = mailer(env("EMAIL_BACKEND", "smtp"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Maillage <ne-pas-repondre@maillage.gouv.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[Maillage] "

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
# One date format across the platform: « 6 décembre 2026 », « 6 décembre 2026 à 14 h 05 ».
FORMAT_MODULE_PATH = ["maillage.formats"]
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The manifest storage rewrites url() in the DSFR stylesheet, so its published checksums no
# longer match; the files are served from our own origin anyway.
DSFR_USE_INTEGRITY_CHECKSUMS = False
# Mark the optional fields rather than the required ones, as the DSFR now recommends.
DSFR_MARK_OPTIONAL_FIELDS = True

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Wagtail's page preview, the one page framed by the site itself, sets SAMEORIGIN on its own
# response (xframe_options_sameorigin_override); every other page refuses to be framed.
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # Wagtail's admin and the DSFR set style attributes from their scripts.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Maillage"
WAGTAILADMIN_BASE_URL = env("SITE_URL", "http://127.0.0.1:8000")
SITE_URL = WAGTAILADMIN_BASE_URL
WAGTAIL_I18N_ENABLED = False
# The back-office speaks French to everyone (no language choice in the account settings).
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "odp", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# No third-party avatar service: agents' addresses must not leak to gravatar.com.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- Logging: one JSON object per line ------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "maillage.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Replaces Django's default "django" handlers, which print plain text in debug mode.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"level": "WARNING"},
        "django.server": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # The search engine clients log every request at INFO (and opensearch-py formats each
        # one as a curl command for its tracer when INFO is on).
        "opensearch": {"level": "WARNING"},
        "opensearchpy.trace": {"level": "WARNING"},
        "elastic_transport": {"level": "WARNING"},
    },
}

# Demo data is only loaded where a settings module says so (never in production).
DEMO_DATA_ALLOWED = False
DEMO_PASSWORD = "maillage-demo"  # noqa: S105 - the published password of the demo accounts
