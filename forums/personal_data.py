"""What the forums hold about an agent: their section of the personal-data export (topics,
posts with their earlier texts, votes, reactions, follows, read positions), and what closing
the account removes.

The files attached to the agent's posts are the content contract's attachments: the
communities' section lists them and the archive carries them. A closed account's topics and
posts stay, attributed to « ancien agent » as every contribution is; what only served the
agent goes: their follows of topics and categories (nobody to notify) and their read
positions.
"""

from django.contrib.contenttypes.models import ContentType

from communities.content.models import Subscription
from directory.personal_data import registry
from forums.models import (
    Category,
    CategoryRead,
    Post,
    PostReaction,
    PostRevision,
    PostVote,
    Topic,
    TopicRead,
)


def _follows(agent):
    types = ContentType.objects.get_for_models(Topic, Category)
    topic_type, category_type = types[Topic], types[Category]
    follows = Subscription.objects.filter(
        agent=agent, content_type__in=[topic_type, category_type]
    ).order_by("pk")
    topics = Topic.objects.in_bulk(
        [f.object_id for f in follows if f.content_type_id == topic_type.pk]
    )
    categories = Category.objects.in_bulk(
        [f.object_id for f in follows if f.content_type_id == category_type.pk]
    )
    rows = []
    for follow in follows:
        if follow.content_type_id == topic_type.pk:
            target, kind = topics.get(follow.object_id), "sujet"
        else:
            target, kind = categories.get(follow.object_id), "catégorie"
        if target is not None:
            rows.append({"type": kind, "titre": str(target), "depuis": follow.created_at})
    return rows


def export_forums(agent):
    posts = (
        Post.objects.filter(author=agent)
        .select_related("topic", "community")
        .order_by("created_at", "pk")
    )
    return {
        "sujets": [
            {
                "communaute": t.community.name,
                "categorie": t.category.name,
                "titre": t.title,
                "question": t.is_question,
                "ouvert_le": t.created_at,
            }
            for t in Topic.objects.filter(author=agent)
            .select_related("community", "category")
            .order_by("created_at", "pk")
        ],
        "messages": [
            {
                "communaute": p.community.name,
                "sujet": p.topic.title,
                "numero": p.number,
                "texte": p.body,
                "ecrit_le": p.created_at,
                "modifie_le": p.edited_at,
                "supprime_le": p.deleted_at,
                "masque": p.is_hidden,
            }
            for p in posts.iterator(chunk_size=500)
        ],
        "versions_precedentes": [
            {
                "sujet": r.post.topic.title,
                "numero": r.post.number,
                "texte": r.body,
                "jusqu_au": r.replaced_at,
            }
            for r in PostRevision.objects.filter(post__author=agent)
            .select_related("post__topic")
            .order_by("replaced_at", "pk")
        ],
        "votes_utile": [
            {"sujet": v.post.topic.title, "numero": v.post.number, "le": v.created_at}
            for v in PostVote.objects.filter(agent=agent).select_related("post__topic")
        ],
        "reactions": [
            {
                "sujet": r.post.topic.title,
                "numero": r.post.number,
                "reaction": r.emoji,
                "le": r.created_at,
            }
            for r in PostReaction.objects.filter(agent=agent).select_related("post__topic")
        ],
        "suivis": _follows(agent),
        "lectures": [
            {"sujet": r.topic.title, "lu_jusqu_au_message": r.last_read_number, "le": r.updated_at}
            for r in TopicRead.objects.filter(agent=agent).select_related("topic")
        ],
    }


def account_closed(sender, agent, **kwargs):
    """A closed account follows nothing and has read nothing any more (its posts stay)."""
    types = ContentType.objects.get_for_models(Topic, Category)
    Subscription.objects.filter(agent=agent, content_type__in=list(types.values())).delete()
    TopicRead.objects.filter(agent=agent).delete()
    CategoryRead.objects.filter(agent=agent).delete()


def register():
    from directory.signals import agent_closed

    registry.section("forums")(export_forums)
    agent_closed.connect(account_closed, dispatch_uid="forums_account_closed")
