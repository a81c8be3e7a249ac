"""What the directory makes searchable over everything (``search.registry``): the agents' profiles,
and the names of the regions for the « Région de l'auteur » facet.

An agent's document is read by every State agent (``internal``); the apps that make groups add
keys of their own (the communities: ``c<id>`` for each community the agent is an active member
of, so an external partner finds the members of their communities) through
``register_agent_keys``, which sits here because the directory imports none of them. Only active
agents are found: a closed or deactivated account leaves the index.

``author_fields(agent)`` and ``AUTHOR_RELATED`` give every app's documents their author's id,
name and region.
"""

from search import registry
from search.documents import Document, text_of

# What a document's author needs joined: ``select_related(f"author__{AUTHOR_RELATED}")``.
AUTHOR_RELATED = "service__region"

_key_sources = []
_prefetches = []


def register_agent_keys(keys, *, prefetch=(), watch=None):
    """Add ``keys(agent)`` (a set of access keys) to every agent's document; ``prefetch``: the
    ``prefetch_related`` lookups ``keys`` reads; ``watch``: ``{model: ids(obj)}`` — the saves of
    ``model`` that change the keys of the agents ``ids(obj)``."""
    _key_sources.append(keys)
    _prefetches.extend(prefetch)
    for model, ids in (watch or {}).items():
        registry.watch("agent", model, ids)


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
    from directory.models import Agent

    # Its tags are saved without a save of the agent: the services' ``refresh_search_text``
    # indexes the agent again (``directory.search_index``).
    return (
        Agent.objects.filter(is_active=True, closed_at__isnull=True)
        .select_related("service__region")
        .prefetch_related("skills", "expertise", "interests", *_prefetches)
    )


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
    )
    registry.register_labels("region", region_labels)
