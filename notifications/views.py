"""The notification centre, the preferences and the unsubscribe page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def centre(request):
    raise Http404


def unsubscribe(request, token):
    raise Http404
