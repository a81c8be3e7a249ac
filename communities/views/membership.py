"""Views: see communities/urls.py for the routes."""

from django.http import Http404


def external_invitation(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def py(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def join(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def request_join(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def request_cancel(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def invitation_answer(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def leave(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def members(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def invite(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def member_action(request, *args, **kwargs):  # placeholder until implemented
    raise Http404
