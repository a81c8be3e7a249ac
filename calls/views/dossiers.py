"""Placeholder until the pages land: every address answers 404."""

from django.http import Http404


def overview(request, *args, **kwargs):
    raise Http404


def sponsor(request, *args, **kwargs):
    raise Http404


def synthesis(request, *args, **kwargs):
    raise Http404


def presentation(request, *args, **kwargs):
    raise Http404


def team(request, *args, **kwargs):
    raise Http404


def member_remove(request, *args, **kwargs):
    raise Http404


def partners(request, *args, **kwargs):
    raise Http404


def partner_edit(request, *args, **kwargs):
    raise Http404


def partner_delete(request, *args, **kwargs):
    raise Http404


def financing(request, *args, **kwargs):
    raise Http404


def application_act(request, *args, **kwargs):
    raise Http404


def application_act_pdf(request, *args, **kwargs):
    raise Http404


def pieces(request, *args, **kwargs):
    raise Http404


def piece_download(request, *args, **kwargs):
    raise Http404


def piece_delete(request, *args, **kwargs):
    raise Http404


def originals(request, *args, **kwargs):
    raise Http404


def deposit(request, *args, **kwargs):
    raise Http404


def withdraw(request, *args, **kwargs):
    raise Http404


def export(request, *args, **kwargs):
    raise Http404
