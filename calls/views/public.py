"""Placeholder until the pages land: every address answers 404."""

from django.http import Http404


def project(request, *args, **kwargs):
    raise Http404


def registry(request, *args, **kwargs):
    raise Http404
