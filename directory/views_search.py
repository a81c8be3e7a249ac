"""The smart directory's search pages."""

from django.http import Http404


def search(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def search_export_csv(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def skill_autocomplete(request, *args, **kwargs):  # placeholder until implemented
    raise Http404
