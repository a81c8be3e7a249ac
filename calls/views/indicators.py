"""(To be written.)"""

from django.http import Http404
from django.urls import path

from calls.views.common import DOSSIER_PREFIX as D


def _placeholder(request, *args, **kwargs):
    raise Http404


urlpatterns = [
    path(D + address, _placeholder, name=name) for address, name in [("indicateurs/", "indicators")]
]
