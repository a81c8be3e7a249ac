"""What the forums make searchable over everything (``search.registry``): the topics (their title
and opening post) and the replies (their text, titled by their topic, each linking to its
permalink). Neither a hidden one, nor one below a hidden topic, nor a deleted reply, nor a topic
merged into another (its posts moved there), nor anything of a forum switched off. The keys are
the community content's (``communities.search.content_access``)."""

from communities.search import content_fields
from directory.search import AUTHOR_RELATED
from forums.models import Post, Topic
from maillage.markup import plain_text
from search import registry
from search.documents import Document


def topics():
    return Topic.objects.filter(
        is_hidden=False, merged_into__isnull=True, community__tool_forum=True
    ).select_related("community", f"author__{AUTHOR_RELATED}")


def topic_document(topic):
    opening = (
        Post.objects.filter(topic=topic, number=1, deleted_at__isnull=True, is_hidden=False)
        .values_list("body", flat=True)
        .first()
    )
    return Document(
        type="forum_topic",
        id=topic.pk,
        title=topic.title,
        body=plain_text(opening or ""),
        url=topic.get_absolute_url(),
        date=topic.created_at,
        **content_fields(topic.community, topic.author),
    )


def replies():
    return Post.objects.filter(
        number__gt=1,
        is_hidden=False,
        deleted_at__isnull=True,
        topic__is_hidden=False,
        topic__merged_into__isnull=True,
        community__tool_forum=True,
    ).select_related("community", "topic", f"author__{AUTHOR_RELATED}")


def reply_document(post):
    return Document(
        type="forum_reply",
        id=post.pk,
        title=post.topic.title,
        body=plain_text(post.body),
        url=post.get_absolute_url(),
        date=post.created_at,
        **content_fields(post.community, post.author),
    )


def _opening_topic(post):
    return [post.topic_id] if post.number == 1 else []


def _topic_replies(topic):
    return topic.posts.filter(number__gt=1).values_list("pk", flat=True)


def register():
    """Called by ``forums.registrations.register``."""
    registry.register_type(
        "forum_topic",
        label="Sujet de forum",
        plural="Sujets de forum",
        model=Topic,
        queryset=topics,
        document=topic_document,
        # The opening post is the topic's text.
        watch={Post: _opening_topic},
        order=40,
        community="community_id",
    )
    registry.register_type(
        "forum_reply",
        label="Réponse de forum",
        plural="Réponses de forum",
        model=Post,
        queryset=replies,
        document=reply_document,
        # A topic renamed, hidden, restored or merged changes its replies.
        watch={Topic: _topic_replies},
        order=50,
        community="community_id",
    )
