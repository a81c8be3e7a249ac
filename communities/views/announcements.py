"""Views: see communities/urls.py for the routes."""

from django.http import Http404


def py(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def announcement_list(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def announcement_create(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def announcement_detail(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def announcement_edit(request, *args, **kwargs):  # placeholder until implemented
    raise Http404
