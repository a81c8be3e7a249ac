"""The facets' tags stored on each agent's row (``Agent.facet_tags``), which the database backend
of the agents' search counts (``directory.search_backend``).

They are the tags the engine indexes (``directory.search.facet_tags``) but the service's, which
the search counts from the service: "skill:<tag id>" and the groups' ("community:<slug>",
``register_agent_tags``). Stored on the row, the skill and group facets of a search are counted
in one pass over the matches — their tags unnested and grouped — instead of one join per facet
(at 82,000 agents on PostgreSQL, a frequent word's 8,000 matches joined 37,000 tagged items for
the skills, then their memberships for the communities).

Kept exact, in the writer's transaction, by ``refresh(ids)`` (three queries for any number of
agents; rows whose tags moved also drop ``directory.whole_counts``' cached counts), which the
receivers ``connect()`` installs call when:

- an agent's skills change (taggit's ``m2m_changed``, once per operation; a tagged item of an
  agent saved or deleted outside one);
- a model an app named for its tags changes (``directory.search.register_agent_tags(...,
  stored=)``: the communities' memberships).

A new agent has none. ``Agent.save()`` never writes the column (an agent read before one of
those changes would put its old tags back); bulk writers call ``refresh`` or ``refresh_all``
themselves (the generator of ``make bench`` does), and ``manage.py rebuild_search_text``
rebuilds them all.
"""

from contextvars import ContextVar

from django.db.models.signals import m2m_changed, post_delete, post_save

from directory import whole_counts

BATCH = 2000
# Agents whose skills a taggit operation is changing: their tagged items' own signals wait for
# the operation's end (one refresh instead of one per tag).
_tagging = ContextVar("directory_facet_tags_tagging", default=frozenset())
_watched = {}


def refresh(ids):
    """Store the facet tags of the agents ``ids`` again (those whose tags changed): their skills
    read as plain rows, their groups' tags with the prefetches the apps registered."""
    from directory.models import Agent
    from directory.search import group_tags, tag_prefetches
    from directory.search_backend import agent_skill_items

    ids = sorted({int(pk) for pk in ids if pk is not None})
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        skills = {}
        rows = agent_skill_items().filter(object_id__in=batch).values_list("object_id", "tag_id")
        for agent_id, tag_id in rows:
            skills.setdefault(agent_id, set()).add(f"skill:{tag_id}")
        agents = (
            Agent.objects.filter(pk__in=batch)
            .only("pk", "facet_tags")
            .prefetch_related(*tag_prefetches())
        )
        changed = []
        for agent in agents:
            tags = sorted(skills.get(agent.pk, set()) | group_tags(agent))
            if tags != agent.facet_tags:
                agent.facet_tags = tags
                changed.append(agent)
        if changed:
            Agent.objects.bulk_update(changed, ["facet_tags"], batch_size=500)
            # The skill and group facets count these tags: the cached whole counts go.
            whole_counts.changed()


def refresh_all(progress=None):
    """Every agent's tags (bulk writers, ``rebuild_search_text``); ``progress(n)`` per batch."""
    from directory.models import Agent

    ids = list(Agent.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        refresh(ids[start : start + BATCH])
        if progress is not None:
            progress(min(start + BATCH, len(ids)))


def watch(model, ids):
    """The saves and deletions of ``model`` change the tags of the agents ``ids(obj)``."""
    _watched[model] = ids
    uid = f"facet_tags_{model._meta.label_lower}"
    post_save.connect(_watched_changed, sender=model, dispatch_uid=uid)
    post_delete.connect(_watched_changed, sender=model, dispatch_uid=uid)


def _watched_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh(_watched[sender](instance))


def _agent_type_id():
    from django.contrib.contenttypes.models import ContentType

    from directory.models import Agent

    return ContentType.objects.get_for_model(Agent).pk


def _tags_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Taggit's ``m2m_changed``: an agent's skills (``instance``), or a tag's agents."""
    from directory.models import Agent

    if reverse:  # a tag's side: ``pk_set`` are the agents
        if issubclass(model, Agent) and action.startswith("post_"):
            refresh(pk_set or ())
        return
    if not isinstance(instance, Agent):
        return
    if action.startswith("pre_"):
        _tagging.set(_tagging.get() | {instance.pk})
    else:
        _tagging.set(_tagging.get() - {instance.pk})
        refresh([instance.pk])


def _tagged_item_changed(sender, instance, raw=False, **kwargs):
    """A tagged item of an agent written outside a taggit operation (a script, a fixture)."""
    if raw or instance.content_type_id != _agent_type_id():
        return
    if instance.object_id not in _tagging.get():
        refresh([instance.object_id])


def connect():
    from taggit.models import TaggedItem

    m2m_changed.connect(_tags_changed, sender=TaggedItem, dispatch_uid="facet_tags_skills")
    post_save.connect(_tagged_item_changed, sender=TaggedItem, dispatch_uid="facet_tags_items")
    post_delete.connect(_tagged_item_changed, sender=TaggedItem, dispatch_uid="facet_tags_items")
