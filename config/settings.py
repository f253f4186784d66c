"""Deployment settings, read from the environment with safe development defaults.

Only deployment concerns live here; municipal policy is versioned data (see intraprenad.policy).
"""

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("INTRAPRENAD_DEBUG", True)
SECRET_KEY = os.environ.get("INTRAPRENAD_SECRET_KEY", "dev-only-insecure-key-change-me")
ALLOWED_HOSTS = os.environ.get("INTRAPRENAD_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("INTRAPRENAD_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_q",
    "intraprenad.core",
    "intraprenad.accounts",
    "intraprenad.cases",
    "intraprenad.policy",
    "intraprenad.lifecycle",
    "intraprenad.economy",
    "intraprenad.documents",
    "intraprenad.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "intraprenad.accounts.access.RequestTreeCache",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "intraprenad.accounts.context_processors.municipality",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    from urllib.parse import urlparse

    _url = urlparse(os.environ["DATABASE_URL"])
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": _url.path.lstrip("/") or "intraprenad",
            "USER": _url.username or "postgres",
            "PASSWORD": _url.password or "",
            "HOST": _url.hostname or "127.0.0.1",
            "PORT": str(_url.port or 5432),
            "TEST": {"NAME": os.environ.get("INTRAPRENAD_TEST_DB", "test_intraprenad")},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("INTRAPRENAD_SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "sv"
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("INTRAPRENAD_MEDIA_ROOT", str(BASE_DIR / "media")))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# "progress" carries a ledger import's progress from the worker to the pages while the import's own transaction
# holds SQLite's one write lock (on PostgreSQL the worker writes it to the database through a second connection).
# Files, so that the web and worker processes of one machine share it.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "progress": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("INTRAPRENAD_PROGRESS_DIR", str(BASE_DIR / "var" / "progress")),
        "TIMEOUT": 3600,
    },
}

# Background jobs (large ledger imports): django-q2 with the database as its queue, so the same
# deployment works on SQLite and PostgreSQL; scale out with more `manage.py qcluster` processes.
# INTRAPRENAD_SYNC_JOBS=1 runs jobs inside the request instead (tests, single-process use).
Q_CLUSTER = {
    "name": "intraprenad",
    "orm": "default",
    "workers": int(os.environ.get("INTRAPRENAD_WORKERS", "1")),
    "timeout": 1800,
    "retry": 3600,
    "max_attempts": 1,
    "catch_up": False,
    "sync": os.environ.get("INTRAPRENAD_SYNC_JOBS", "") == "1",
}
EMAIL_BACKEND = os.environ.get("INTRAPRENAD_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("INTRAPRENAD_FROM_EMAIL", "intraprenad@localhost")
# The address of this deployment, for links in e-mails (e.g. https://intraprenad.kommun.se).
SITE_URL = os.environ.get("INTRAPRENAD_SITE_URL", "http://127.0.0.1:8000")
# Largest ledger file accepted by upload (bytes).
LEDGER_UPLOAD_MAX_BYTES = int(os.environ.get("INTRAPRENAD_LEDGER_UPLOAD_MAX_BYTES", str(200 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The municipality this deployment serves; its organisation tree is data (accounts.OrgUnit).
MUNICIPALITY_NAME = os.environ.get("INTRAPRENAD_MUNICIPALITY", "Demo kommun")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Intraprenad API",
    "DESCRIPTION": "Organisation, riktlinjer, intraprenader, diarium och beslut.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("INTRAPRENAD_LOG_LEVEL", "WARNING")},
}
