"""Success stories and lessons of a failure (R31), published from a closed project by its sponsor,
its operational lead or the call's managers, tagged with the project's region and main theme.
Every signed-in State agent reads them (external partners do not); the region's SGAR officer, or
a platform administrator, features those of the region: the latest three featured are shown on
the region's page of the directory (``region_section``, registered by ``calls.registrations``).

The story's body is Markdown, rendered through the platform's one sanitiser
(``maillage.markup``): whatever HTML or script is typed comes out inert.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import TEXT_MAX, TITLE_MAX, Story
from calls.permissions import dossier_abilities
from calls.services import CallError, _event
from directory.roles import principal

# The featured stories a region's page shows.
REGION_FEATURED = 3


def _check(allowed, message, code="forbidden"):
    if not allowed:
        raise CallError(message, code)


def can_read_stories(agent):
    """Every signed-in State agent (not an external partner)."""
    return principal(agent).is_state_agent and not getattr(agent, "is_closed", False)


def can_feature(agent, story):
    """The SGAR officer of the story's region, or a platform administrator."""
    who = principal(agent)
    if not who.is_state_agent:
        return False
    return who.is_platform_admin or who.follows_region(story.region_id)


def _text(value, limit, empty, too_long):
    _check(isinstance(value, str), empty, "invalid")
    value = value.strip()
    _check(value, empty, "invalid")
    _check(len(value) <= limit, too_long, "invalid")
    return value


def story_publish(*, actor, dossier, kind, title, body):
    """Publish a story of the closed project ``dossier`` (``kind``: ``success`` or
    ``lessons``), tagged with its region and main theme. Returns the ``Story``."""
    _check(
        dossier_abilities(actor, dossier).can_publish_story,
        _(
            "Seuls le porteur de projet, le porteur opérationnel et les gestionnaires de l'appel "
            "publient un retour d'expérience, une fois le projet clos."
        ),
    )
    _check(kind in Story.Kind.values, _("Choisissez le type de retour d'expérience."), "invalid")
    title = _text(
        title,
        TITLE_MAX,
        _("Donnez un titre au retour d'expérience."),
        _("Le titre est limité à %(limit)s caractères.") % {"limit": TITLE_MAX},
    )
    body = _text(
        body,
        TEXT_MAX,
        _("Racontez le retour d'expérience."),
        _("Le récit est limité à %(limit)s caractères.")
        % {"limit": f"{TEXT_MAX:,}".replace(",", "\u202f")},
    )
    with transaction.atomic():
        story = Story.objects.create(
            dossier=dossier,
            kind=kind,
            title=title,
            body=body,
            region_id=dossier.region_id,
            theme_id=dossier.main_theme_id,
            published_by=actor,
        )
        _event(dossier, actor, "story_published", f"{story.get_kind_display()} : {title}")
    return story


def story_feature(*, actor, story, featured):
    """Feature ``story`` on its region's page, or stop featuring it (the region's SGAR officer
    or a platform administrator). Returns the ``Story``."""
    _check(
        can_feature(actor, story),
        _(
            "Seuls le référent SGAR de la région du projet et les administrateurs de la "
            "plateforme mettent un retour d'expérience en avant."
        ),
    )
    featured = bool(featured)
    with transaction.atomic():
        story = Story.objects.select_for_update().get(pk=story.pk)
        if featured == (story.featured_at is not None):
            return story
        story.featured_at = timezone.now() if featured else None
        story.featured_by = actor if featured else None
        story.save(update_fields=["featured_at", "featured_by"])
        _event(
            story.dossier,
            actor,
            "story_featured",
            (_("Mis en avant : %(title)s") if featured else _("Plus mis en avant : %(title)s"))
            % {"title": story.title},
        )
    return story


def stories_readable(agent, *, region=None, theme=None):
    """The stories ``agent`` may read, newest first, filtered by region and theme (none for an
    external partner)."""
    if not can_read_stories(agent):
        return Story.objects.none()
    stories = Story.objects.select_related("region", "theme", "dossier", "dossier__call")
    if region is not None:
        stories = stories.filter(region=region)
    if theme is not None:
        stories = stories.filter(theme=theme)
    return stories.order_by("-published_at", "-id")


def region_section(viewer, region):
    """The region page's section: the region's latest three featured stories, or None when
    there is none or the viewer is an external partner."""
    if not can_read_stories(viewer):
        return None
    featured = list(
        Story.objects.filter(region=region, featured_at__isnull=False)
        .select_related("region", "theme")
        .order_by("-featured_at", "-id")[:REGION_FEATURED]
    )
    if not featured:
        return None
    return {
        "heading": _("Retours d'expérience mis en avant"),
        "heading_id": "region-stories",
        "stories": featured,
        "region": region,
    }
