"""Template tags of the forums' social part: whether the agent follows a topic or a category
(the « Suivre » buttons of the partials)."""

from django import template

from forums import following

register = template.Library()


@register.simple_tag
def is_following(agent, target):
    """``{% is_following request.user topic as followed %}``"""
    return following.is_following(agent, target)
