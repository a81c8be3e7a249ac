"""Reads for profile pages: the agent with everything the page shows, the skills with their
endorsements, the skill vocabulary offered when editing a profile.

Each function runs a fixed number of queries whatever the number of skills, endorsements or career
entries (the profile page's query count is pinned by a test).
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Count, Prefetch
from taggit.models import Tag

from directory.models import Agent, CareerEntry, Endorsement
from directory.relations import visible_agents

POPULAR_SKILLS = 200
POPULAR_SKILLS_CACHE_SECONDS = 300


def profile_agent(pk):
    """The agent of a profile page with service, tags and career path loaded (raises
    ``Agent.DoesNotExist``)."""
    return (
        Agent.objects.select_related(
            "service__kind",
            "service__ministry",
            "service__region",
            "service__department",
            "sgar_region",
        )
        .prefetch_related(
            "skills",
            "expertise",
            "interests",
            "languages",
            Prefetch(
                "career",
                queryset=CareerEntry.objects.select_related("service").order_by(
                    "-start_date", "-pk"
                ),
            ),
        )
        .get(pk=pk)
    )


def tag_names(manager):
    """Names of a tag list, sorted without regard to case; uses the prefetched tags if any."""
    return sorted((tag.name for tag in manager.all()), key=str.lower)


@dataclass
class SkillCard:
    """One skill on a profile: how many recommended it, and who (among those the viewer may
    see)."""

    tag: Tag
    count: int = 0
    endorsers: list = field(default_factory=list)
    endorsed_by_viewer: bool = False

    @property
    def others(self):
        """Endorsers the viewer may not see (an external user only sees their communities)."""
        return self.count - len(self.endorsers)


def skill_cards(viewer, agent, tags=None):
    """The agent's skills (or ``tags`` among them), sorted by name, each with its endorsements.

    Endorsements by closed accounts are not counted. Two queries at most (one more when the
    skills were not prefetched), whatever the number of skills and endorsements.
    """
    if tags is None:
        tags = list(agent.skills.all())
    cards = {tag.pk: SkillCard(tag=tag) for tag in sorted(tags, key=lambda tag: tag.name.lower())}
    if not cards:
        return []
    endorsements = list(
        Endorsement.objects.filter(
            agent=agent, tag_id__in=list(cards), endorser__closed_at__isnull=True
        )
        .select_related("endorser")
        .order_by("endorser__last_name", "endorser__first_name", "pk")
    )
    visible = _visible_endorser_ids(viewer, {e.endorser_id for e in endorsements})
    for endorsement in endorsements:
        card = cards[endorsement.tag_id]
        card.count += 1
        if endorsement.endorser_id == viewer.pk:
            card.endorsed_by_viewer = True
        if visible is None or endorsement.endorser_id in visible:
            card.endorsers.append(endorsement.endorser)
    return list(cards.values())


def _visible_endorser_ids(viewer, ids):
    """None when the viewer may see every agent; otherwise the ids among ``ids`` they may see."""
    if not viewer.is_external or viewer.is_platform_admin:
        return None
    if not ids:
        return set()
    return set(
        visible_agents(viewer, Agent.objects.filter(pk__in=ids)).values_list("pk", flat=True)
    )


def held_skill(agent, tag_id):
    """The skill tag ``tag_id`` if the agent has it, else None (``tag_id`` may be any string)."""
    try:
        tag_id = int(tag_id)
    except (TypeError, ValueError):
        return None
    return agent.skills.filter(pk=tag_id).first()


def popular_skill_names(limit=POPULAR_SKILLS):
    """The ``limit`` skills most agents have, most used first: the profile form's suggestions.

    Cached for a few minutes: the vocabulary changes slowly and the count runs over every skill
    of the directory.
    """
    key = f"directory:popular-skills:{limit}"
    names = cache.get(key)
    if names is None:
        agent_type = ContentType.objects.get_for_model(Agent)
        names = list(
            Tag.objects.filter(taggit_taggeditem_items__content_type=agent_type)
            .annotate(uses=Count("taggit_taggeditem_items"))
            .order_by("-uses", "name")
            .values_list("name", flat=True)[:limit]
        )
        cache.set(key, names, POPULAR_SKILLS_CACHE_SECONDS)
    return names
