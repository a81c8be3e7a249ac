"""The idea boxes' pages, under a community's address (``/communautes/<slug>/idees/``)."""

from django.urls import path

from ideas.views import animation, ideas, lists, social
from ideas.views import export as export_views

app_name = "ideas"

I = "<slug:slug>/idees/"  # noqa: E741

urlpatterns = [
    path(I, lists.idea_index, name="index"),
    path(I + "feuille-de-route/", lists.roadmap, name="roadmap"),
    path(I + "similaires/", lists.similar, name="similar"),
    path(I + "proposer/", ideas.idea_new, name="new"),
    path(I + "parametres/", animation.box_settings, name="settings"),
    path(I + "<int:idea_id>/", ideas.idea_detail, name="idea"),
    path(I + "<int:idea_id>/modifier/", ideas.idea_edit, name="edit"),
    path(I + "<int:idea_id>/soutenir/", ideas.idea_support, name="support"),
    path(I + "<int:idea_id>/statut/", animation.idea_status, name="status"),
    path(I + "<int:idea_id>/fusionner/", animation.idea_merge, name="merge"),
    # ideas.social: comments, following, export
    path(I + "<int:idea_id>/commenter/", social.comment, name="comment"),
    path(
        I + "<int:idea_id>/commentaires/<int:comment_id>/modifier/",
        social.comment_edit,
        name="comment_edit",
    ),
    path(
        I + "<int:idea_id>/commentaires/<int:comment_id>/supprimer/",
        social.comment_delete,
        name="comment_delete",
    ),
    path(
        I + "<int:idea_id>/commentaires/<int:comment_id>/reagir/",
        social.comment_react,
        name="comment_react",
    ),
    path(I + "<int:idea_id>/suivre/", social.follow, name="follow"),
    path(I + "export/", export_views.export, name="export"),
]
