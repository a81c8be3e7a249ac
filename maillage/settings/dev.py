"""The embedded default started by ``make run``: demo data, mail written to files.

Django's debug pages (tracebacks, the list of every route on a 404) are shown to nobody unless the
developer asks for them: ``DJANGO_DEBUG=1 make run``. Without it, errors answer the platform's own
pages (templates/403.html, 404.html, 500.html) and the static files are still served, by
WhiteNoise from the finders (``WHITENOISE_USE_FINDERS``), as the DEBUG flag plays no part there.
"""

from .base import *  # noqa: F403
from .base import env, env_bool, mailer

DEBUG = env_bool("DJANGO_DEBUG", False)
# A fixed key is acceptable only here: a developer's machine, demo data.
SECRET_KEY = env("SECRET_KEY", "django-insecure-maillage-dev-only-key-not-for-production")
MAILERS = mailer(env("EMAIL_BACKEND", "file"))  # e-mails land in var/mail/
DEMO_DATA_ALLOWED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
