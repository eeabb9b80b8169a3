"""The one settings module. Every knob comes from an environment variable, read strictly."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from dangvien.lib.env import EnvError, env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent

DEBUG = env_bool("DANGVIEN_DEBUG", False)
# The data folder holds the embedded database, the generated secret key and collected files.
DATA_DIR = Path(env_str("DANGVIEN_DATA_DIR", str(BASE_DIR / "data"))).resolve()


def _secret_key() -> str:
    """The key from the environment, or one generated once and kept in the data folder."""
    configured = env_secret("DANGVIEN_SECRET_KEY", None)
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    from django.core.management.utils import get_random_secret_key

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = get_random_secret_key()
    key_file.write_text(key, encoding="utf-8")
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
# Files attached to dossier steps: kept in the data folder, never served as static files;
# each download goes through a scoped view.
ATTACHMENT_ROOT = Path(env_str("DANGVIEN_ATTACHMENT_ROOT", str(DATA_DIR / "attachments"))).resolve()
ATTACHMENT_MAX_BYTES = env_int("DANGVIEN_ATTACHMENT_MAX_MB", 10, minimum=1) * 1024 * 1024
# Where `dangvien backup` and `restore` look first for pg_dump, pg_restore and psql (then on
# PATH): the client programs must be at least as new as the server. Debian's packages put
# version 15's here.
PG_BIN_DIR = Path(env_str("DANGVIEN_PG_BIN", "/usr/lib/postgresql/15/bin"))
# The open API (/api/v1/): requests a personal token may make per minute, and the longest
# life a token may be given when it is created.
API_RATE_PER_MINUTE = env_int("DANGVIEN_API_RATE_PER_MINUTE", 120, minimum=1)
# How long a rendered dashboard is kept for the same session (seconds; 0: never). Any write
# makes it stale at once (`reports.cache`): this only bounds the memory it holds.
# A background import that gave no sign of life for this long is shown as interrupted (its
# worker was killed or the server restarted) and may be abandoned by its unit's editor.
IMPORT_STALL_MINUTES = env_int("DANGVIEN_IMPORT_STALL_MINUTES", 15, minimum=1)
PAGE_CACHE_SECONDS = env_int("DANGVIEN_PAGE_CACHE_SECONDS", 300, minimum=0, maximum=86400)
API_TOKEN_MAX_DAYS = env_int("DANGVIEN_API_TOKEN_MAX_DAYS", 365, minimum=1)
ALLOWED_HOSTS = env_list("DANGVIEN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DANGVIEN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "dangvien.lib",
    "dangvien.accounts",
    "dangvien.orgs",
    "dangvien.rulebook",
    "dangvien.people",
    "dangvien.training",
    "dangvien.admission",
    "dangvien.documents",
    "dangvien.targets",
    "dangvien.reports",
    "dangvien.tallies",
    "dangvien.synth",
    "dangvien.ops",
    "dangvien.api",
    "dangvien.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dangvien.rulebook.middleware.RulesPerRequestMiddleware",
    # Before whitenoise, so static files get the headers too.
    "dangvien.lib.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The idle timeout: the session's expiry moved ahead at most once a minute.
    "dangvien.accounts.middleware.IdleSessionMiddleware",
    "dangvien.accounts.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user.is_verified() after a second factor (two-factor login).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # After the password: the second factor, or setting one up where the role requires it.
    "dangvien.accounts.middleware.TwoFactorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dangvien.accounts.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-axes must come last: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dangvien.urls"
WSGI_APPLICATION = "dangvien.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dangvien.web.context_processors.navigation",
            ],
        },
    },
]


def _databases(environ: Mapping[str, str] | None = None) -> dict[str, dict[str, object]]:
    """SQLite in the data folder by default; PostgreSQL from `DATABASE_URL`, and optionally a
    streaming replica from `DATABASE_REPLICA_URL` that reports and dashboards read from (see
    `dangvien/lib/dbrouter.py`). Both URLs may come from files (`*_FILE`): they hold the
    password."""
    url = env_secret("DATABASE_URL", None, environ) or ""
    replica_url = env_secret("DATABASE_REPLICA_URL", None, environ) or ""
    if replica_url and not url:
        raise EnvError(
            "DATABASE_REPLICA_URL is set without DATABASE_URL: a replica needs a primary"
        )
    if url:
        databases: dict[str, dict[str, object]] = {
            "default": _parse_database_url(url, "DATABASE_URL")
        }
        if replica_url:
            replica = _parse_database_url(replica_url, "DATABASE_REPLICA_URL")
            if replica["ENGINE"] != databases["default"]["ENGINE"]:
                raise EnvError("DATABASE_REPLICA_URL: not the same database engine as DATABASE_URL")
            # Under the test runner the replica is the test database itself (no second
            # test database to create, no migrations to run on a read-only standby).
            replica["TEST"] = {"MIRROR": "default"}
            databases["replica"] = replica
        return databases
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "dangvien.sqlite3",
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; IMMEDIATE takes the write
                # lock at BEGIN so two writers queue instead of failing half-way.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }


def _parse_database_url(url: str, name: str) -> dict[str, object]:
    try:
        config = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        # The message names the variable, never the URL (it may hold a password).
        raise EnvError(f"{name}: not a database URL ({exc.__class__.__name__})") from None
    if "postgresql" in str(config["ENGINE"]):
        # The planner settings of every connection (docs/performance.md, national world); a
        # URL that sets one itself (`?options=-c jit=on`) keeps its own.
        options = config.setdefault("OPTIONS", {})
        assert isinstance(options, dict)
        given = str(options.get("options", ""))
        for setting, value in POSTGRES_SESSION.items():
            if setting not in given:
                given = f"{given} -c {setting}={value}".strip()
        options["options"] = given
    return config


POSTGRES_SESSION = {
    # JIT compiles a query it estimates costly before running it: a province's breakdown of
    # new members spent 53 of its 98 ms compiling.
    "jit": "off",
    # A random read costs about what a sequential one does on SSD or in memory (the default,
    # 4, prices a spinning disk). With 4, a commune's 76 units of 252,655, estimated at 845
    # by the path's statistics after one ANALYZE in two, were read by a parallel scan of the
    # unit table: its breakdown of new members 3 -> 26 ms, its figures counted live 2 ->
    # 205 ms. With 1.1 the index is used for any such estimate.
    "random_page_cost": "1.1",
}


def _database_routers(databases: dict[str, dict[str, object]]) -> list[str]:
    # Without a replica there is nothing to route: Django's default of one database.
    return ["dangvien.lib.dbrouter.PrimaryReplicaRouter"] if "replica" in databases else []


DATABASES = _databases()
DATABASE_ROUTERS = _database_routers(DATABASES)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        # Django's own, with its message in Vietnamese (see the module).
        "NAME": "dangvien.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("DANGVIEN_PASSWORD_MIN_LENGTH", 10, minimum=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "orgs:tree"
LOGOUT_REDIRECT_URL = "accounts:login"
# A reset link works once and for this long.
PASSWORD_RESET_TIMEOUT = (
    env_int("DANGVIEN_PASSWORD_RESET_MINUTES", 30, minimum=5, maximum=1440) * 60
)
# Reset e-mails one address may ask for in an hour (a client address: ten times as many).
PASSWORD_RESET_PER_HOUR = env_int("DANGVIEN_PASSWORD_RESET_PER_HOUR", 3, minimum=1)

# Two-factor login (django-otp): required from this role up and for superusers
# (none, viewer, editor, approver, administrator); optional for everyone else.
TWO_FACTOR_REQUIRED_ROLE = env_str("DANGVIEN_2FA_REQUIRED_ROLE", "approver").strip().lower()
if TWO_FACTOR_REQUIRED_ROLE not in {"none", "viewer", "editor", "approver", "administrator"}:
    raise EnvError(
        f"DANGVIEN_2FA_REQUIRED_ROLE={TWO_FACTOR_REQUIRED_ROLE!r}: expected one of none, "
        "viewer, editor, approver, administrator"
    )
# Wrong codes in a row at the second step before it locks, and for how long.
TWO_FACTOR_FAILURE_LIMIT = env_int("DANGVIEN_2FA_FAILURE_LIMIT", 5, minimum=1)
TWO_FACTOR_COOLOFF_MINUTES = env_int("DANGVIEN_2FA_COOLOFF_MINUTES", 30, minimum=1)
OTP_TOTP_ISSUER = env_str("DANGVIEN_2FA_ISSUER", "dangvien")
# django-otp's own exponential delay is off: the lock above counts instead, and a right code
# is never refused without saying why.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# Lockout after repeated failed logins (django-axes): per user name and address pair.
AXES_FAILURE_LIMIT = env_int("DANGVIEN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("DANGVIEN_LOGIN_COOLOFF_MINUTES", 30, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Idle timeout: the session cookie lives this long after the last request.
SESSION_COOKIE_AGE = env_int("DANGVIEN_IDLE_TIMEOUT_MINUTES", 30, minimum=1) * 60
# Not on every request: `accounts.middleware.IdleSessionMiddleware` once a minute.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Security (docs/deployment.md, "Security settings"). Production sets DANGVIEN_DEBUG=0,
# DANGVIEN_HTTPS=1, a long DANGVIEN_SECRET_KEY and DANGVIEN_ALLOWED_HOSTS, and then passes
# `dangvien check --deploy --fail-level WARNING`. The demo stays plain HTTP on loopback.
# Content-Security-Policy and Permissions-Policy come from dangvien/lib/security.py.
HTTPS = env_bool("DANGVIEN_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("DANGVIEN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DANGVIEN_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Preloading is opt-in: most installations live on intranet names that browsers' preload
    # list cannot hold, and leaving the list takes months. Not preloading is a decision, so
    # the check that asks for it (security.W021) is silenced only while it is off.
    SECURE_HSTS_PRELOAD = env_bool("DANGVIEN_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Background jobs (imports with a progress bar): the database backend, run by the worker that
# `dangvien serve` starts; "django_tasks.backends.immediate.ImmediateBackend" runs them inline.
TASKS = {
    "default": {
        "BACKEND": env_str("DANGVIEN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("DANGVIEN_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_TZ = True
FORMAT_MODULE_PATH = ["dangvien.formats"]

STATIC_URL = "/static/"
# Served by the application itself, straight from the packages' static folders (party
# intranets are often offline: never a CDN, and no collectstatic step to forget).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DANGVIEN_LOG_LEVEL", "WARNING")},
}

# E-mail (the daily digest). Without a server configured, messages go to the console.
EMAIL_BACKEND = env_str("DANGVIEN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("DANGVIEN_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DANGVIEN_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("DANGVIEN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_secret("DANGVIEN_EMAIL_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("DANGVIEN_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DANGVIEN_EMAIL_FROM", "dangvien@localhost")
