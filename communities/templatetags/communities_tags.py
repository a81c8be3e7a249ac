"""Template tags of the communities."""

from django import template

from communities.menu import menu_for

register = template.Library()


@register.simple_tag(takes_context=True)
def community_menu(context, community, ab):
    """The entries of the community's menu this viewer sees (``communities.menu``)."""
    return menu_for(context, community, ab)
