"""Placeholder until the pages land: every address answers 404."""

from django.http import Http404


def call_new(request, *args, **kwargs):
    raise Http404


def call_settings(request, *args, **kwargs):
    raise Http404


def waves(request, *args, **kwargs):
    raise Http404
