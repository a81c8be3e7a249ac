"""Template tags of the wiki's social part (``wiki/partials/page_actions.html``): whether the
agent follows a page, and the content type of a page (the moderation's report and hide
addresses name it)."""

from django import template
from django.contrib.contenttypes.models import ContentType

from wiki import following

register = template.Library()


@register.simple_tag
def is_following_page(agent, page):
    """``{% is_following_page request.user page as followed %}``"""
    return following.is_following(agent, page)


@register.simple_tag
def content_type_id(obj):
    """``{% content_type_id page as page_ct %}`` (cached by Django: no query after the first)."""
    return ContentType.objects.get_for_model(obj).pk
