"""What the communities register into the content contract: their two kinds of content and the
French names of the audit actions their services write (registered by ``CommunitiesConfig``)."""

from django.utils.translation import gettext_lazy as _

from communities.content import audit, register_content

AUDIT_ACTIONS = {
    "community_created": _("Création de la communauté"),
    "community_updated": _("Modification de la communauté"),
    "community_archived": _("Archivage de la communauté"),
    "community_restored": _("Désarchivage de la communauté"),
    "left_without_animator": _("Plus personne à l'animation (compte fermé)"),
    "request_accepted": _("Demande d'adhésion acceptée"),
    "request_refused": _("Demande d'adhésion refusée"),
    "invited": _("Invitation"),
    "invited_by_email": _("Invitation par courriel"),
    "invitation_withdrawn": _("Invitation par courriel retirée"),
    "role_animator": _("Animation confiée"),
    "role_member": _("Animation retirée"),
    "banned": _("Exclusion"),
    "removed": _("Retrait de la communauté"),
    "unbanned": _("Levée de l'exclusion"),
    "charter_published": _("Publication de la charte"),
    "hidden": _("Contenu masqué"),
    "restored": _("Contenu rétabli"),
    "report_dismissed": _("Signalement classé sans suite"),
    "comment_deleted": _("Commentaire supprimé par l'animation"),
    "post_unpublished": _("Billet du blog dépublié par l'animation"),
    "post_deleted": _("Billet du blog supprimé par l'animation"),
    "post_featured": _("Billet du blog mis en avant"),
    "post_unfeatured": _("Billet du blog retiré de la une"),
    "proposal_accepted": _("Proposition de communauté acceptée"),
    "proposal_declined": _("Proposition de communauté refusée"),
}


def register():
    from communities.models import Announcement, AnnouncementComment
    from maillage.markup import plain_text

    register_content(
        Announcement,
        label=_("billet du blog"),
        text=lambda announcement: announcement.title,
        children=lambda announcement: [announcement.comments.all()],
        tool="announcements",
    )
    register_content(
        AnnouncementComment,
        label=_("commentaire"),
        text=lambda comment: plain_text(comment.body, 120),
        tool="announcements",
    )
    for code, label in AUDIT_ACTIONS.items():
        audit.register_action(code, label)
