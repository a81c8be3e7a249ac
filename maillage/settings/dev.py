"""The embedded default started by ``make run``: debug pages, demo data, mail written to files."""

from .base import *  # noqa: F403
from .base import env

DEBUG = True
# A fixed key is acceptable only here: debug mode on a developer's machine.
SECRET_KEY = env("SECRET_KEY", "django-insecure-maillage-dev-only-key-not-for-production")
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
DEMO_DATA_ALLOWED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
