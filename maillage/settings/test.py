"""Fast settings for the test suite (as Wagtail's bakerydemo does): cheap hashing, memory mail."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env, mailer

SECRET_KEY = "test-secret-key-for-the-test-suite-only-0123456789-abcdefghijklmnop"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = mailer("memory")
# Tasks run at once, inside the test, so their effects can be asserted.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DEMO_DATA_ALLOWED = True
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = ["*"] if env("MAILLAGE_TEST_ANY_HOST") else ["testserver", "localhost", "127.0.0.1"]
# The test process imports maillage.asgi for its consumers: its garbage collector stays Python's
# (the Daphne processes the integration and browser tests start use their own settings).
SERVER_GC_THRESHOLD = 0
