"""Views: see communities/urls.py for the routes."""

from django.http import Http404


def py(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def charter(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def charter_publish(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def charter_acceptances(request, *args, **kwargs):  # placeholder until implemented
    raise Http404
