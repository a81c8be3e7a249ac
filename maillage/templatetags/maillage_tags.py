from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import mark_safe

from maillage import french
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


# French around names, dates and durations (maillage/french.py). The results are plain text,
# escaped by the template like any other value.


@register.filter
def de(name):
    """« de Jean Dupont », « d'Élodie Robert »."""
    return french.de(name)


@register.filter
def de_prefix(name):
    """« d' » or « de » alone, for a name in a link: « Message d'<a>Élodie Robert</a> »."""
    return french.de_prefix(name)


@register.filter
def long_date(value):
    """« 6 décembre 2026 »: the platform's one date format."""
    return french.long_date(value)


@register.filter
def long_datetime(value):
    """« 6 décembre 2026 à 14 h 05 »."""
    return french.long_datetime(value)


@register.filter
def ago(value):
    """« à l'instant », « il y a 5 minutes »."""
    return french.ago(value)
