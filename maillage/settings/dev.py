"""The embedded default started by ``make run``: debug pages, demo data, mail written to files."""

from .base import *  # noqa: F403
from .base import env, mailer

DEBUG = True
# A fixed key is acceptable only here: debug mode on a developer's machine.
SECRET_KEY = env("SECRET_KEY", "django-insecure-maillage-dev-only-key-not-for-production")
MAILERS = mailer(env("EMAIL_BACKEND", "file"))  # e-mails land in var/mail/
DEMO_DATA_ALLOWED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
