"""Placeholder until the pages land: every address answers 404."""

from django.http import Http404


def index(request, *args, **kwargs):
    raise Http404


def call_detail(request, *args, **kwargs):
    raise Http404


def call_publish(request, *args, **kwargs):
    raise Http404


def question_ask(request, *args, **kwargs):
    raise Http404


def question_answer(request, *args, **kwargs):
    raise Http404


def roles(request, *args, **kwargs):
    raise Http404


def role_revoke(request, *args, **kwargs):
    raise Http404


def dossier_list(request, *args, **kwargs):
    raise Http404


def dossier_new(request, *args, **kwargs):
    raise Http404
