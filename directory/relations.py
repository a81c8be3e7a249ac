"""Who an agent may see, and who shares a group with whom: answered by the apps that make the
groups, registered from their ``AppConfig.ready()`` (the communities do, in
``communities/apps.py``). The directory sits below them and imports none of them.

- ``register_visibility(fn)``: ``fn(viewer, agents) -> agents`` narrows a queryset of agents to
  those whose profile ``viewer`` may open (an external partner sees only the members of their
  communities). Without a registration, a State agent sees every agent and an external partner
  only themself; nobody signed out or deactivated sees anyone.
- ``register_colleagues(fn)``: ``fn(viewer) -> queryset`` of the ids of the agents who share an
  active group with ``viewer`` (a single-column queryset, usable in ``pk__in``): the « my
  communities » contact visibility. Without a registration nobody is a colleague.

One function per question: registering again replaces it (an app's tests may swap it).

This module imports no app: it is the directory's side of a contract others fill.
"""

_registered = {"visibility": None, "colleagues": None}


def register_visibility(fn):
    """``fn(viewer, agents_queryset) -> queryset``: the agents ``viewer`` may see."""
    _registered["visibility"] = fn


def register_colleagues(fn):
    """``fn(viewer) -> queryset`` of agent ids sharing an active group with ``viewer``."""
    _registered["colleagues"] = fn


def visible_agents(viewer, agents):
    """The agents of ``agents`` whose profile ``viewer`` may open."""
    rule = _registered["visibility"]
    if rule is not None:
        return rule(viewer, agents)
    if not viewer.is_authenticated or not viewer.is_active:
        return agents.none()
    if viewer.is_external:
        return agents.filter(pk=viewer.pk)
    return agents


def colleague_ids(viewer):
    """The ids of the agents sharing an active group with ``viewer`` (a subquery)."""
    rule = _registered["colleagues"]
    if rule is not None and viewer.is_authenticated:
        return rule(viewer)
    from directory.models import Agent

    return Agent.objects.none().values("pk")
