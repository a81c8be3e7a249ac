"""Placeholder until the pages land: every address answers 404."""

from django.http import Http404


def evaluation(request, *args, **kwargs):
    raise Http404


def screen(request, *args, **kwargs):
    raise Http404


def assign(request, *args, **kwargs):
    raise Http404


def score(request, *args, **kwargs):
    raise Http404


def request_new(request, *args, **kwargs):
    raise Http404


def request_detail(request, *args, **kwargs):
    raise Http404


def opinion(request, *args, **kwargs):
    raise Http404


def decide(request, *args, **kwargs):
    raise Http404


def community(request, *args, **kwargs):
    raise Http404


def consent(request, *args, **kwargs):
    raise Http404
