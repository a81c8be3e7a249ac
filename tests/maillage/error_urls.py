"""A URLconf for tests/maillage/test_error_pages.py: the platform's, plus a view that fails."""

from django.urls import path

from maillage.urls import handler500
from maillage.urls import urlpatterns as platform_urlpatterns


class Boom(Exception):
    """The failure of a view nobody expected."""


def boom(request):
    raise Boom("a view failed")


def failing_context_processor(request):
    """Stands for what breaks the layout itself (the database the header reads, say)."""
    raise Boom("the layout failed")


urlpatterns = [path("boum/", boom), *platform_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
