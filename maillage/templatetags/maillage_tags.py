from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import mark_safe

from maillage.markup import plain_text, render_markdown
from maillage.text import escape_bidi

register = template.Library()


@register.filter
def markdown(text):
    """Render an agent's Markdown through the project's sanitiser."""
    return render_markdown(text)


@register.filter
def excerpt(text, limit=200):
    return plain_text(text, limit=int(limit))


@register.filter(is_safe=True, needs_autoescape=True)
def text_lines(text, autoescape=True):
    """Plain text an agent typed (a message to the animators, a reason, a biography): escaped,
    its line breaks kept, its bidirectional controls shown rather than obeyed."""
    return mark_safe(escape_bidi(linebreaksbr(text, autoescape=autoescape)))  # noqa: S308
