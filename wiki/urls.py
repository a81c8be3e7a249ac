"""The wiki's pages, under a community's address (``/communautes/<slug>/wiki/``).

A page's address is its slug, unique in the community (``wiki/pages/<slug>/``), not its path in
the tree: moving a page does not change its address, renaming it does (the old one redirects).
"""

from django.urls import path

from wiki.views import exchange, following, history, manage, pages

app_name = "wiki"

W = "<slug:slug>/wiki/"
P = W + "pages/<slug:page_slug>/"


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
    path(P + "suivre/", following.page_follow, name="follow"),
    path(W + "export/", exchange.export, name="export"),
    path(W + "import/", exchange.import_, name="import"),
]
