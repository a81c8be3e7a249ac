"""The registry of searchable types: each app declares what it makes searchable, from its own
``AppConfig.ready()``; the search core imports no app.

    register_type(
        "forum_reply",
        label="Réponse de forum",
        model=Post,
        queryset=lambda: Post.objects.filter(is_hidden=False, topic__is_hidden=False, ...),
        document=post_document,              # (obj) -> search.documents.Document
        watch={Topic: lambda topic: topic.posts.values_list("pk", flat=True)},
        order=40,
    )

- ``queryset()`` is everything of the type that may be found at all (not hidden, not a draft,
  not deleted) with what ``document`` reads joined; indexing an object that is not in it removes
  it from the index, so hiding, deleting or unpublishing needs nothing more.
- ``document(obj)`` gives the ``Document``: title, plain text, the exact address, the date, the
  community, the author and the access keys (``search.documents``).
- Saving or deleting an object of ``model`` indexes it again on commit; ``watch`` names other
  models whose saves change documents of this type (a topic renamed changes its replies'
  titles) and which of them.

``register_access(keys, denied=)`` adds a source of the viewer's access keys (``keys(agent)`` → a
set of keys, or ``EVERYTHING``; ``search.documents`` says what keys mean): the communities give
``internal`` to State agents and ``c<id>`` for each community the agent is an active member of,
and deny the communities they are banned from; the chat gives ``r<id>`` for each room they are
in. ``register_labels(facet, labels)``
names the values of a facet (``labels(values)`` → ``{value: label}``): the communities' names,
the regions' names.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from search.documents import EVERYTHING


@dataclass(frozen=True)
class SearchType:
    name: str
    label: str
    model: type
    queryset: Callable
    document: Callable
    watch: dict = field(default_factory=dict)
    order: int = 100
    # The label in the plural, for the facet (« Pages de wiki »).
    plural: str = ""
    # The lookup from the model to its community's id (``community_id``, ``topic__community_id``),
    # None for what belongs to no community (agents).
    community: str | None = None
    # ``readable(viewer)`` → the queryset of ``model`` the viewer may find, when it is not the
    # policy's ``readable_by`` (a community's card is seen by more agents than its content).
    readable: Callable | None = None
    # Its title is a name (an agent's, a community's): on PostgreSQL a name is also found when
    # written with a typo or a letter missing, by trigram similarity (« lefevre » → Lefebvre).
    named: bool = False


_types = {}
_access = []
_denied = []
_labels = {}


def register_type(
    name,
    *,
    label,
    model,
    queryset,
    document,
    watch=None,
    order=100,
    plural="",
    community=None,
    readable=None,
    named=False,
):
    if not name.replace("_", "").isalnum() or not name.islower():
        raise ValueError(f"Search type name {name!r}: lower-case letters, digits and « _ ».")
    _types[name] = SearchType(
        name=name,
        label=label,
        plural=plural or label,
        model=model,
        queryset=queryset,
        document=document,
        watch=dict(watch or {}),
        order=order,
        community=community,
        readable=readable,
        named=named,
    )
    from search.indexing import watch_type

    watch_type(_types[name])
    return _types[name]


def watch(name, model, ids):
    """Index documents of the registered type ``name`` again when ``model`` changes too:
    ``ids(obj)`` names them. For an app above the type's own (the communities' memberships
    change the agents' access keys)."""
    from search.indexing import _watch

    _types[name].watch[model] = ids
    _watch(model, name, ids)


def register_access(keys, *, denied=None):
    """``keys(agent)``: a set of the agent's access keys, or EVERYTHING; ``denied(agent)``: ids
    of communities whose documents they may not read whatever the keys."""
    _access.append(keys)
    if denied is not None:
        _denied.append(denied)


def register_labels(facet, labels):
    _labels[facet] = labels


def types():
    """Every registered type, in the order the facet shows them."""
    return sorted(_types.values(), key=lambda kind: (kind.order, kind.name))


def get_type(name):
    return _types.get(name)


def access_for(agent):
    """``(keys, denied)``: the viewer's access keys (a frozenset, or ``EVERYTHING``) and the
    communities denied to them; nothing for an anonymous or inactive viewer."""
    if not getattr(agent, "is_authenticated", False) or not agent.is_active:
        return frozenset(), frozenset()
    keys = set()
    for source in _access:
        found = source(agent)
        if found == EVERYTHING:
            return EVERYTHING, frozenset()
        keys.update(found)
    denied = set()
    for source in _denied:
        denied.update(int(pk) for pk in source(agent))
    return frozenset(keys), frozenset(denied)


def labels(facet, values):
    """``{value: label}`` for the values of ``facet`` (the value itself when nobody names it)."""
    values = [value for value in values if value not in (None, "")]
    named = _labels[facet](values) if facet in _labels and values else {}
    return {value: named.get(value, value) for value in values}
