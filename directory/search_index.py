"""Keep ``Agent.search_text`` (the database backend's searchable text) up to date.

Called by the services after a profile's fields or tags change, and by
``manage.py rebuild_search_text`` for everything at once.
"""

from search.text import normalize


def agent_search_text(agent):
    """The normalised text of what a search for this agent matches."""
    service = agent.service
    parts = [
        agent.first_name,
        agent.last_name,
        agent.position,
        service.short_name if service else "",
        service.name if service else "",
        " ".join(agent.skills.names()),
        " ".join(agent.expertise.names()),
        " ".join(agent.interests.names()),
    ]
    return normalize(" | ".join(p for p in parts if p))


def refresh_search_text(agent):
    from directory.models import Agent

    text = "" if agent.is_closed else agent_search_text(agent)
    Agent.objects.filter(pk=agent.pk).update(search_text=text)
    agent.search_text = text
    return text
