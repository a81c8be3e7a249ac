"""Keep ``Agent.search_text`` (the database backend's searchable text) up to date.

Called by the services after a profile's fields or tags change, by a service's save for its
agents (``refresh_service_agents``: the text holds the service's names), and by
``manage.py rebuild_search_text`` for everything at once. The layout of the text (weighted
segments) is defined by ``search.text.segmented_text``; code that writes agents in bulk (the demo
and benchmark generators) should call ``search_text_from`` with the values it already has rather
than build the text itself.
"""

from maillage import effects
from search.text import segmented_text, split_segments

# The fields of the agent's own row that the text holds (tags are kept by the services).
ROW_FIELDS = frozenset({"first_name", "last_name", "position", "service", "closed_at"})


def search_text_from(
    *,
    first_name="",
    last_name="",
    position="",
    service_short_name="",
    service_name="",
    skills=(),
    expertise=(),
    interests=(),
):
    """The normalised searchable text of an agent, from plain values (no database access)."""
    return segmented_text(
        # Last name first: ordering by the whole text is then ordering by name, without accents
        # or case (the database backend's "name" sort).
        name=f"{last_name} {first_name}",
        skills=" , ".join([*skills, *expertise]),
        position=position,
        service=f"{service_short_name} {service_name}",
        other=" , ".join(interests),
    )


def agent_search_text(agent):
    """The normalised text of what a search for this agent matches."""
    service = agent.service
    # ``.all()`` rather than ``.names()``: it uses the tags when they were prefetched.
    return search_text_from(
        first_name=agent.first_name,
        last_name=agent.last_name,
        position=agent.position,
        service_short_name=service.short_name if service else "",
        service_name=service.name if service else "",
        skills=[tag.name for tag in agent.skills.all()],
        expertise=[tag.name for tag in agent.expertise.all()],
        interests=[tag.name for tag in agent.interests.all()],
    )


def refresh_search_text(agent):
    from directory.models import Agent

    text = "" if agent.is_closed else agent_search_text(agent)
    Agent.objects.filter(pk=agent.pk).update(search_text=text)
    agent.search_text = text
    # The search over everything reads the tags too (``directory.search``).
    effects.index(agent)
    return text


def _row_text(agent):
    """The text with the row's current fields, and the tag segments already stored (no query
    for the tags; the services refresh them when tags change)."""
    if agent.is_closed:
        return ""
    stored = split_segments(agent.__dict__.get("search_text", ""))
    if agent.pk is not None and stored is None:
        return agent_search_text(agent)  # never indexed, or an older layout: the full text
    service = agent.service
    return segmented_text(
        name=f"{agent.last_name} {agent.first_name}",
        skills=stored["skills"] if stored else "",
        position=agent.position,
        service=f"{service.short_name} {service.name}" if service else "",
        other=stored["other"] if stored else "",
    )


def keep_search_text(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save of Agent: whatever saves an agent (sign-up, back-office, scripts), the text
    follows its name, position and service, in the same row and the same transaction."""
    if raw or (update_fields is not None and not ROW_FIELDS & set(update_fields)):
        return
    instance.search_text = _row_text(instance)
    if update_fields is not None and "search_text" not in update_fields:
        instance._search_text_unsaved = True


def save_search_text(sender, instance, raw=False, **kwargs):
    """post_save of Agent: a save limited to some fields did not write the text; write it."""
    if getattr(instance, "_search_text_unsaved", False):
        del instance._search_text_unsaved
        type(instance).objects.filter(pk=instance.pk).update(search_text=instance.search_text)


def refresh_service_agents(sender, instance, created=False, raw=False, **kwargs):
    """post_save of Service: its agents' texts hold its names, rewritten with the service's
    current ones (one query for the agents, one bulk update): a renamed service's agents are
    found by the new name at once, as on the engine, which indexes them again. Nothing else of
    their texts moves (the tags' segments are kept as stored)."""
    from directory.models import Agent

    if raw or created:
        return
    agents = list(Agent.objects.filter(service=instance))
    for agent in agents:
        agent.service = instance
        agent.search_text = _row_text(agent)
    Agent.objects.bulk_update(agents, ["search_text"], batch_size=500)
