"""Views: see communities/urls.py for the routes."""

from django.http import Http404


def py(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def report(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def queue(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def moderate(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def dismiss(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def audit_log(request, *args, **kwargs):  # placeholder until implemented
    raise Http404
