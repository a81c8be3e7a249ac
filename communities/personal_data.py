"""What the communities hold about an agent, for their personal-data export."""

from communities.models import (
    Announcement,
    AnnouncementComment,
    AnnouncementRating,
    Attachment,
    CharterAcceptance,
    Membership,
    Report,
)
from directory.personal_data import registry


@registry.section("communautes")
def export_communities(agent):
    return {
        "adhesions": [
            {
                "communaute": m.community.name,
                "etat": m.get_state_display(),
                "role": m.get_role_display(),
                "message": m.message,
                "depuis": m.joined_at or m.created_at,
            }
            for m in Membership.objects.filter(agent=agent).select_related("community")
        ],
        "chartes_acceptees": [
            {
                "communaute": a.version.community.name,
                "version": a.version.number,
                "le": a.accepted_at,
            }
            for a in CharterAcceptance.objects.filter(agent=agent).select_related(
                "version__community"
            )
        ],
        "commentaires": [
            {"annonce": c.announcement.title, "texte": c.body, "le": c.created_at}
            for c in AnnouncementComment.objects.filter(author=agent).select_related("announcement")
        ],
        # The blog: the agent's own posts (articles, annonces, drafts) and their ratings.
        "billets": [
            {
                "communaute": p.community.name,
                "type": p.get_kind_display(),
                "titre": p.title,
                "texte": p.body,
                "etat": "publié" if p.published_at else "brouillon",
                "publie_le": p.published_at,
                "ecrit_le": p.created_at,
            }
            for p in Announcement.objects.filter(author=agent).select_related("community")
        ],
        "notes": [
            {
                "communaute": r.announcement.community.name,
                "billet": r.announcement.title,
                "etoiles": r.stars,
                "le": r.updated_at,
            }
            for r in AnnouncementRating.objects.filter(agent=agent).select_related(
                "announcement__community"
            )
        ],
        "signalements": [
            {"communaute": r.community.name, "motif": r.reason, "le": r.created_at}
            for r in Report.objects.filter(reporter=agent).select_related("community")
        ],
        "fichiers_joints": [
            {"communaute": a.community.name, "nom": a.name, "taille": a.size, "le": a.created_at}
            for a in Attachment.objects.filter(uploaded_by=agent).select_related("community")
        ],
    }
