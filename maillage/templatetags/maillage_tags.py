from django import template

from maillage.markup import plain_text, render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Render an agent's Markdown through the project's sanitiser."""
    return render_markdown(text)


@register.filter
def excerpt(text, limit=200):
    return plain_text(text, limit=int(limit))
