"""Views: see communities/urls.py for the routes."""

from django.http import Http404


def py(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def community_list(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def community_create(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def community_home(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def community_edit(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def community_activity(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def community_archive(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def community_restore(request, *args, **kwargs):  # placeholder until implemented
    raise Http404
