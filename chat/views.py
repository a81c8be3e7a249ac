"""The messaging's pages (they work without JavaScript; chat.js adds the live part)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def index(request):
    raise Http404


@login_required
def room(request, pk):
    raise Http404


@login_required
def attachment(request, pk):
    raise Http404
