"""The export of an idea box for its animators (and the platform's administrators): every idea
of the box — hidden and merged ones included, said so — with its status, themes, counts, answer,
dates and author's name, as a table that ``maillage.tables`` writes in CSV or ODS.

A fixed number of queries whatever the box's size: the ideas with their authors streamed by
chunks, the themes of all of them in one query."""

from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas.models import Idea


def headers():
    """The column titles, translated at the time of the export."""
    return [
        _("N°"),
        _("Titre"),
        _("Statut"),
        _("Thèmes"),
        _("Soutiens"),
        _("Commentaires"),
        _("Réponse"),
        _("Proposée le"),
        _("Statut changé le"),
        _("Dernière activité"),
        _("Auteur ou autrice"),
        _("Fusionnée avec (n°)"),
        _("Masquée"),
        _("Adresse"),
    ]


def _themes_of(community):
    themes = defaultdict(list)
    rows = (
        Idea.themes.through.objects.filter(idea__community=community)
        .values_list("idea_id", "theme__name")
        .order_by("theme__name")
    )
    for idea_id, name in rows:
        themes[idea_id].append(name)
    return themes


def rows(community, *, site_url=""):
    """The rows of the box's export, oldest idea first."""
    themes = _themes_of(community)
    ideas = (
        Idea.objects.filter(community=community)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    prefix = site_url + reverse("ideas:idea", args=[community.slug, 0]).removesuffix("0/")
    for idea in ideas.iterator(chunk_size=1000):
        yield [
            idea.pk,
            idea.title,
            idea.get_status_display(),
            ", ".join(themes.get(idea.pk, ())),
            idea.support_count,
            idea.comment_count,
            idea.answer,
            idea.created_at,
            idea.status_changed_at,
            idea.last_activity_at,
            idea.author.display_name,
            idea.merged_into_id,
            idea.is_hidden,
            f"{prefix}{idea.pk}/",
        ]


def filename(community):
    return f"idees-{community.slug}-{timezone.localdate():%Y-%m-%d}"
