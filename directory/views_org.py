"""Organisation pages (services, regions, departments) and suggestions."""

from django.http import Http404


def service_page(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def region_page(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def department_page(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def suggestion_hide(request, *args, **kwargs):  # placeholder until implemented
    raise Http404
