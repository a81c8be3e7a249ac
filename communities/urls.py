"""Routes of the communities, under /communautes/. The view functions live in views/*.py."""

from django.urls import path

from communities.views import (
    announcements,
    attachments,
    browse,
    charter,
    membership,
    moderation,
    proposals,
)

app_name = "communities"

urlpatterns = [
    # browse.py — listing, home, creation, edition, tools, archive
    path("", browse.community_list, name="list"),
    path("creer/", browse.community_create, name="create"),
    path("invitation/<str:token>/", membership.external_invitation, name="external_invitation"),
    path("fichiers/<int:pk>/", attachments.download, name="attachment"),
    # proposals.py — agents propose communities, administrators answer
    path("propositions/", proposals.proposal_list, name="proposals"),
    path("propositions/nouvelle/", proposals.proposal_create, name="proposal_create"),
    path("propositions/<int:proposal_id>/", proposals.proposal_detail, name="proposal"),
    path(
        "propositions/<int:proposal_id>/decider/",
        proposals.proposal_decide,
        name="proposal_decide",
    ),
    path("<slug:slug>/", browse.community_home, name="home"),
    path("<slug:slug>/modifier/", browse.community_edit, name="edit"),
    path("<slug:slug>/activite/", browse.community_activity, name="activity"),
    path("<slug:slug>/archiver/", browse.community_archive, name="archive"),
    path("<slug:slug>/restaurer/", browse.community_restore, name="restore"),
    # membership.py — joining, leaving, invitations, members
    path("<slug:slug>/rejoindre/", membership.join, name="join"),
    path("<slug:slug>/demander/", membership.request_join, name="request"),
    path("<slug:slug>/demande/annuler/", membership.request_cancel, name="request_cancel"),
    path(
        "<slug:slug>/invitation/repondre/", membership.invitation_answer, name="invitation_answer"
    ),
    path("<slug:slug>/quitter/", membership.leave, name="leave"),
    path("<slug:slug>/membres/", membership.members, name="members"),
    path("<slug:slug>/membres/inviter/", membership.invite, name="invite"),
    path(
        "<slug:slug>/membres/invitations/<int:invitation_id>/retirer/",
        membership.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path(
        "<slug:slug>/membres/<int:membership_id>/<str:action>/",
        membership.member_action,
        name="member_action",
    ),
    # charter.py — reading, accepting, publishing, who accepted what
    path("<slug:slug>/charte/", charter.charter, name="charter"),
    path("<slug:slug>/charte/publier/", charter.charter_publish, name="charter_publish"),
    path(
        "<slug:slug>/charte/acceptations/", charter.charter_acceptances, name="charter_acceptances"
    ),
    # announcements.py — the community's blog (annonces and articles)
    path("<slug:slug>/annonces/", announcements.announcement_list, name="announcements"),
    path(
        "<slug:slug>/annonces/nouvelle/",
        announcements.announcement_create,
        name="announcement_create",
    ),
    path(
        "<slug:slug>/annonces/brouillons/",
        announcements.announcement_drafts,
        name="announcement_drafts",
    ),
    path("<slug:slug>/annonces/<int:pk>/", announcements.announcement_detail, name="announcement"),
    path(
        "<slug:slug>/annonces/<int:pk>/publier/",
        announcements.announcement_publish,
        name="announcement_publish",
    ),
    path(
        "<slug:slug>/annonces/<int:pk>/depublier/",
        announcements.announcement_unpublish,
        name="announcement_unpublish",
    ),
    path(
        "<slug:slug>/annonces/<int:pk>/supprimer/",
        announcements.announcement_delete,
        name="announcement_delete",
    ),
    path(
        "<slug:slug>/annonces/<int:pk>/mettre-en-avant/",
        announcements.announcement_feature,
        name="announcement_feature",
    ),
    path(
        "<slug:slug>/annonces/<int:pk>/noter/",
        announcements.announcement_rate,
        name="announcement_rate",
    ),
    path(
        "<slug:slug>/annonces/<int:pk>/suivre/",
        announcements.announcement_follow,
        name="announcement_follow",
    ),
    path(
        "<slug:slug>/annonces/<int:pk>/modifier/",
        announcements.announcement_edit,
        name="announcement_edit",
    ),
    path(
        "<slug:slug>/annonces/<int:pk>/commentaires/<int:comment_id>/modifier/",
        announcements.comment_edit,
        name="comment_edit",
    ),
    path(
        "<slug:slug>/annonces/<int:pk>/commentaires/<int:comment_id>/supprimer/",
        announcements.comment_delete,
        name="comment_delete",
    ),
    # moderation.py — reports, queue, hide/restore, audit log
    path(
        "<slug:slug>/signaler/<int:content_type_id>/<int:object_id>/",
        moderation.report,
        name="report",
    ),
    path("<slug:slug>/moderation/", moderation.queue, name="moderation"),
    path(
        "<slug:slug>/moderation/<int:content_type_id>/<int:object_id>/<str:action>/",
        moderation.moderate,
        name="moderate",
    ),
    path(
        "<slug:slug>/moderation/signalements/<int:report_id>/classer/",
        moderation.dismiss,
        name="report_dismiss",
    ),
    path("<slug:slug>/journal/", moderation.audit_log, name="audit_log"),
]
