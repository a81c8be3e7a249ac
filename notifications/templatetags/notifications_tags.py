"""Template tags of the notifications."""

from django import template

from notifications.models import CommunityMute

register = template.Library()


@register.simple_tag(takes_context=True)
def community_muted(context, community):
    """Whether the signed-in agent muted ``community`` entirely (one query)."""
    user = context["request"].user
    if not user.is_authenticated:
        return False
    return CommunityMute.objects.filter(agent=user, community=community, kind="").exists()
