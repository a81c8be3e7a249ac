"""What the directory makes searchable over everything (``search.registry``): the agents' profiles,
and the names of the regions for the « Région de l'auteur » facet.

An agent's document is read by every State agent (``internal``); the apps that make groups add
keys of their own (the communities: ``c<id>`` for each community the agent is an active member
of, so an external partner finds the members of their communities) through
``register_agent_keys``, which sits here because the directory imports none of them. Only active
agents are found: a closed or deactivated account leaves the index.

The document also carries what the directory's faceted search of agents reads on the engine
(``directory.search_engine``): ``tags`` "region:<code>", "department:<code>", "ministry:<code>",
"kind:<code>" (the agent's service), "skill:<tag id>", and the groups' facets the apps above add
through ``register_agent_tags`` (the communities: "community:<slug>"); ``ranks``
("skill:<tag id>", peer endorsements of that skill); ``sort_key``, the normalised « last first »
name. An endorsement given or withdrawn indexes the endorsed agent again.

``author_fields(agent)`` and ``AUTHOR_RELATED`` give every app's documents their author's id,
name and region.
"""

from django.db.models import Prefetch

from search import registry
from search.documents import Document, text_of
from search.text import MARK, normalize

# What a document's author needs joined: ``select_related(f"author__{AUTHOR_RELATED}")``.
AUTHOR_RELATED = "service__region"

_key_sources = []
_tag_sources = []
_prefetches = []
_tag_prefetches = []
# The service's facets of the agents' search, and their joins.
SERVICE_TAGS = ("region", "department", "ministry", "kind")
ENDORSEMENTS = "search_endorsements"


def register_agent_keys(keys, *, prefetch=(), watch=None):
    """Add ``keys(agent)`` (a set of access keys) to every agent's document; ``prefetch``: the
    ``prefetch_related`` lookups ``keys`` reads; ``watch``: ``{model: ids(obj)}`` — the saves of
    ``model`` that change the keys of the agents ``ids(obj)``."""
    _key_sources.append(keys)
    _prefetches.extend(prefetch)
    for model, ids in (watch or {}).items():
        registry.watch("agent", model, ids)


def register_agent_tags(tags, *, prefetch=(), watch=None, stored=None):
    """Add ``tags(agent)`` (a set of "facet:value" strings, the facet one of the agents'
    search's) to every agent's document and to the tags stored on its row
    (``directory.facet_tags``); ``prefetch`` and ``watch`` as ``register_agent_keys``;
    ``stored``: ``{model: ids(obj)}``, the saves of ``model`` that change the stored tags of the
    agents ``ids(obj)``, at once (the documents follow ``watch``, on commit)."""
    from directory import facet_tags

    _tag_sources.append(tags)
    _prefetches.extend(prefetch)
    _tag_prefetches.extend(prefetch)
    for model, ids in (watch or {}).items():
        registry.watch("agent", model, ids)
    for model, ids in (stored or {}).items():
        facet_tags.watch(model, ids)


def tag_prefetches():
    """The ``prefetch_related`` lookups ``facet_tags`` reads (beyond the skills)."""
    return list(_tag_prefetches)


def author_fields(author):
    """``{"author_id", "author_name", "region"}`` of a document written by ``author``."""
    if author is None:
        return {"author_id": None, "author_name": "", "region": ""}
    return {
        "author_id": author.pk,
        "author_name": author.display_name,
        "region": region_code(author),
    }


def region_code(agent):
    service = agent.service
    region = service.region if service is not None else None
    return region.code if region is not None else ""


def agents():
    from directory.models import Agent, Endorsement

    # Its tags are saved without a save of the agent: the services' ``refresh_search_text``
    # indexes the agent again (``directory.search_index``).
    return (
        Agent.objects.filter(is_active=True, closed_at__isnull=True)
        .select_related(*(f"service__{name}" for name in SERVICE_TAGS))
        .prefetch_related(
            "skills",
            "expertise",
            "interests",
            Prefetch(
                "endorsements_received",
                queryset=Endorsement.objects.only("agent_id", "tag_id"),
                to_attr=ENDORSEMENTS,
            ),
            *_prefetches,
        )
    )


def sort_key(agent):
    """The agents' name order: « last first », lower case, without accents."""
    return normalize(f"{agent.last_name} {agent.first_name}".replace(MARK, " "))


def facet_tags(agent):
    """The agent's "facet:value" tags: its service's codes, its skills' ids, the groups'."""
    tags = set(stored_tags(agent))
    service = agent.service
    if service is not None:
        for name in SERVICE_TAGS:
            value = getattr(service, name)
            if value is not None:
                tags.add(f"{name}:{value.code}")
    return frozenset(tags)


def stored_tags(agent):
    """The tags stored on the agent's row (``directory.facet_tags``): its skills' and the
    groups' (the service's facets are counted from the service)."""
    return frozenset({f"skill:{tag.pk}" for tag in agent.skills.all()} | group_tags(agent))


def group_tags(agent):
    """The groups' tags of the agent (``register_agent_tags``)."""
    tags = set()
    for source in _tag_sources:
        tags.update(source(agent))
    return tags


def endorsement_ranks(agent):
    """``(("skill:<tag id>", endorsements), ...)``, by tag id."""
    endorsements = getattr(agent, ENDORSEMENTS, None)
    if endorsements is None:
        endorsements = agent.endorsements_received.only("agent_id", "tag_id")
    counts = {}
    for endorsement in endorsements:
        counts[endorsement.tag_id] = counts.get(endorsement.tag_id, 0) + 1
    return tuple((f"skill:{pk}", n) for pk, n in sorted(counts.items()))


def agent_document(agent):
    service = agent.service
    tags = [
        *(tag.name for tag in agent.skills.all()),
        *(tag.name for tag in agent.expertise.all()),
        *(tag.name for tag in agent.interests.all()),
    ]
    body = text_of(
        agent.position,
        service.name if service else "",
        service.short_name if service else "",
        ", ".join(tags),
        agent.bio,
        separator=" · ",
    )
    access = {"internal"}
    for source in _key_sources:
        access.update(source(agent))
    return Document(
        type="agent",
        id=agent.pk,
        title=agent.display_name,
        body=body,
        url=agent.get_absolute_url(),
        access=frozenset(access),
        date=agent.date_joined,
        community_id=None,
        **author_fields(agent),
        tags=facet_tags(agent),
        ranks=endorsement_ranks(agent),
        sort_key=sort_key(agent),
    )


def region_labels(codes):
    from directory.models import Region

    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def register():
    """Called by ``DirectoryConfig.ready()``."""
    from directory.models import Agent

    registry.register_type(
        "agent",
        label="Agent",
        plural="Agents",
        model=Agent,
        queryset=agents,
        document=agent_document,
        order=10,
        named=True,
    )
    registry.register_labels("region", region_labels)
    from directory.models import Endorsement, Service

    # The endorsed agent's ranks change.
    registry.watch("agent", Endorsement, lambda endorsement: [endorsement.agent_id])
    # A service renamed or moved (its region, department, ministry, kind) changes its agents'
    # text and tags.
    registry.watch("agent", Service, lambda service: service.agents.values_list("pk", flat=True))
