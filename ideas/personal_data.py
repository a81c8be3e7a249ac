"""What the idea box holds about an agent: their section of the personal-data export (the ideas
they proposed, their supports, their comments with their earlier texts, their reactions, the
ideas they follow), and what closing the account removes.

The files attached to their ideas are the content contract's attachments: the communities'
section lists them and the archive carries them. A closed account's ideas and comments stay,
attributed to « ancien agent » as every contribution is, and so do its supports (an idea's count
does not drop because a supporter left the administration); what only served the agent goes:
their follows of ideas (nobody to notify).
"""

from django.contrib.contenttypes.models import ContentType

from communities.content.models import Subscription
from directory.personal_data import registry
from ideas.models import Idea, IdeaComment, IdeaCommentReaction, IdeaCommentRevision, IdeaSupport


def _follows(agent):
    follows = Subscription.objects.filter(
        agent=agent, content_type=ContentType.objects.get_for_model(Idea)
    ).order_by("pk")
    ideas = Idea.objects.select_related("community").in_bulk([f.object_id for f in follows])
    return [
        {
            "communaute": ideas[f.object_id].community.name,
            "idee": ideas[f.object_id].title,
            "depuis": f.created_at,
        }
        for f in follows
        if f.object_id in ideas
    ]


def export_ideas(agent):
    return {
        "idees": [
            {
                "communaute": idea.community.name,
                "titre": idea.title,
                "description": idea.body,
                "statut": idea.get_status_display(),
                "reponse": idea.answer,
                "soutiens": idea.support_count,
                "proposee_le": idea.created_at,
                "modifiee_le": idea.edited_at,
                "masquee": idea.is_hidden,
            }
            for idea in Idea.objects.filter(author=agent)
            .select_related("community")
            .order_by("created_at", "pk")
        ],
        "soutiens": [
            {
                "communaute": support.idea.community.name,
                "idee": support.idea.title,
                "le": support.created_at,
            }
            for support in IdeaSupport.objects.filter(agent=agent)
            .select_related("idea__community")
            .order_by("created_at", "pk")
        ],
        "commentaires": [
            {
                "communaute": comment.community.name,
                "idee": comment.idea.title,
                "texte": comment.body,
                "ecrit_le": comment.created_at,
                "modifie_le": comment.edited_at,
                "supprime_le": comment.deleted_at,
                "masque": comment.is_hidden,
            }
            for comment in IdeaComment.objects.filter(author=agent)
            .select_related("community", "idea")
            .order_by("created_at", "pk")
            .iterator(chunk_size=500)
        ],
        "versions_precedentes": [
            {"idee": r.comment.idea.title, "texte": r.body, "jusqu_au": r.replaced_at}
            for r in IdeaCommentRevision.objects.filter(comment__author=agent)
            .select_related("comment__idea")
            .order_by("replaced_at", "pk")
        ],
        "reactions": [
            {"idee": r.comment.idea.title, "reaction": r.emoji, "le": r.created_at}
            for r in IdeaCommentReaction.objects.filter(agent=agent)
            .select_related("comment__idea")
            .order_by("created_at", "pk")
        ],
        "suivis": _follows(agent),
    }


def account_closed(sender, agent, **kwargs):
    """A closed account follows no idea any more (its ideas, comments and supports stay)."""
    Subscription.objects.filter(
        agent=agent, content_type=ContentType.objects.get_for_model(Idea)
    ).delete()


def register():
    from directory.signals import agent_closed

    registry.section("idees")(export_ideas)
    agent_closed.connect(account_closed, dispatch_uid="ideas_account_closed")
