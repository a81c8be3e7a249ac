"""The wiki's pages, under a community's address (``/communautes/<slug>/wiki/``).

A page's address is its slug, unique in the community (``wiki/pages/<slug>/``), not its path in
the tree: moving a page does not change its address, renaming it does (the old one redirects).
"""

import importlib

from django.urls import path

from wiki.views import history, manage, pages

app_name = "wiki"

W = "<slug:slug>/wiki/"
P = W + "pages/<slug:page_slug>/"


def _social(module, name):
    """A view of the wiki's social part (``wiki.views.following``, ``wiki.views.exchange``),
    imported when first called: that part is written beside the core and lands on its own."""

    def view(request, *args, **kwargs):
        return getattr(importlib.import_module(f"wiki.views.{module}"), name)(
            request, *args, **kwargs
        )

    view.__name__ = name
    return view


urlpatterns = [
    path(W, pages.home, name="home"),
    path(W + "pages/", pages.page_list, name="pages"),
    path(W + "modifications-recentes/", pages.recent, name="recent"),
    path(W + "nouvelle-page/", pages.page_new, name="page_new"),
    path(W + "apercu/", pages.preview, name="preview"),
    path(W + "reglages/", manage.wiki_settings, name="settings"),
    path(P, pages.page_detail, name="page"),
    path(P + "modifier/", pages.page_edit, name="page_edit"),
    path(P + "historique/", history.history, name="history"),
    path(P + "comparer/", history.compare, name="diff"),
    path(P + "versions/<int:number>/", history.revision, name="revision"),
    path(P + "versions/<int:number>/restaurer/", history.restore, name="restore"),
    path(P + "renommer/", manage.rename, name="rename"),
    path(P + "deplacer/", manage.move, name="move"),
    path(P + "protection/", manage.protect, name="protect"),
    path(P + "ordre-des-questions/", manage.faq_reorder, name="faq_reorder"),
    path(P + "suivre/", _social("following", "page_follow"), name="follow"),
    path(W + "export/", _social("exchange", "export"), name="export"),
    path(W + "import/", _social("exchange", "import_"), name="import"),
]
