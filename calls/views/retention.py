"""(To be written.)"""

from django.http import Http404
from django.urls import path

from calls.views.common import CALL_PREFIX as C  # noqa: F401


def _placeholder(request, *args, **kwargs):
    raise Http404


urlpatterns = [
    path(C + address, _placeholder, name=name) for address, name in [("conservation/", "retention")]
]
