"""What every forum view starts with: the community, the abilities, the ids checked against the
community of the address (another community's topic, post or category answers 404)."""

from functools import wraps

from django.http import Http404
from django.shortcuts import get_object_or_404

from communities.views.common import community_view
from forums.models import Category, Post, Topic
from forums.permissions import ForumAbilities


def forum_view(ability="can_read"):
    """Decorate a view ``(request, community, ab, fa, ...)``: 404 unless the agent reads the
    community's forum (tool on) and has ``ability``."""

    def decorator(view):
        @community_view(tool="forum", ability="can_read")
        @wraps(view)
        def wrapper(request, community, ab, *args, **kwargs):
            fa = ForumAbilities(agent=request.user, community=community, ab=ab)
            if not fa.can_read or not getattr(fa, ability):
                raise Http404
            return view(request, community, ab, fa, *args, **kwargs)

        return wrapper

    return decorator


def category_or_404(community, category_id):
    category = get_object_or_404(Category, pk=category_id, community=community)
    category.community = community
    return category


def topic_or_404(community, fa, topic_id):
    """The topic of this community (hidden ones for those who moderate only)."""
    topic = get_object_or_404(
        Topic.objects.select_related("category", "author"), pk=topic_id, community=community
    )
    if not fa.can_read_topic(topic):
        raise Http404
    topic.community = community
    topic.category.community = community
    return topic


def post_or_404(community, fa, post_id):
    """The post of this community (hidden ones, or of a hidden topic, for those who moderate
    only)."""
    post = get_object_or_404(
        Post.objects.select_related("topic", "topic__category", "author"),
        pk=post_id,
        community=community,
    )
    if not fa.can_read_post(post):
        raise Http404
    post.community = community
    post.topic.community = community
    post.topic.category.community = community
    return post


def base_context(community, ab, fa, **extra):
    return {"community": community, "ab": ab, "forum_ab": fa, **extra}
