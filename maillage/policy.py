"""The one permission policy's registry, and the scope its answers are remembered in.

**Who owns what.** Each app owns the abilities of its objects (``communities.permissions`` the
community core, ``chat.permissions`` the rooms, ``directory.permissions`` the profiles…) and
registers them here from its ``AppConfig.ready()``::

    policy.register(Room, abilities=room_abilities, readable=rooms_readable_by)

so that what reads across the apps — search, notifications, downloads, exports, the secret-leak
tests — asks one question without importing every app: ``abilities_for(agent, obj)`` (the
object's abilities: ``.can_read`` at least) and ``readable_by(agent, Model)`` (the queryset of
everything of that model the agent may read).

**How long an answer lives.** The policy reads memberships (and the like) again and again while a
page or a WebSocket event is handled. Those reads are remembered in a *scope*: one per HTTP request
(``PolicyScopeMiddleware``), one per WebSocket event (the real-time kernel), one per background
task that asks for it (``with policy.scope():``). Outside any scope nothing is remembered. A write
that changes an answer forgets it in the current scope (``forget``: the communities wire it to
their memberships' saves and deletions), so a service never decides on what it has just changed —
no cache kept by hand on the agent object.

This module imports no app.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

_current = contextvars.ContextVar("maillage_policy_scope", default=None)


class Scope:
    """What the policy read while one request or one event was handled."""

    def __init__(self):
        self.memo = {}


@contextmanager
def scope():
    """Remember the policy's reads until the block ends (a request, an event, a task). Nested
    scopes share the outer one."""
    if _current.get() is not None:
        yield _current.get()
        return
    token = _current.set(Scope())
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def remembered(key, compute):
    """``compute()``, remembered under ``key`` in the current scope (computed each time outside
    any scope)."""
    current = _current.get()
    if current is None:
        return compute()
    try:
        return current.memo[key]
    except KeyError:
        value = current.memo[key] = compute()
        return value


def remember(key, value):
    """Store an answer read in bulk (one query for many keys) in the current scope, if any."""
    current = _current.get()
    if current is not None:
        current.memo[key] = value


def forget(key):
    """A write changed the answer under ``key``: the next question reads it again."""
    current = _current.get()
    if current is not None:
        current.memo.pop(key, None)


class PolicyScopeMiddleware:
    """One policy scope per HTTP request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with scope():
            return self.get_response(request)


# --- the registry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    model: type
    abilities: object  # (agent, obj) -> an object with at least ``can_read``
    readable: object  # (agent) -> queryset of the model


_registry = {}


def register(model, *, abilities, readable):
    """Declare the abilities and the « everything this agent may read » of ``model``."""
    _registry[model] = Registration(model=model, abilities=abilities, readable=readable)


def registration(model):
    for klass in model.__mro__:
        if klass in _registry:
            return _registry[klass]
    raise LookupError(f"No permission policy registered for {model.__name__}.")


def abilities_for(agent, obj):
    """The abilities of ``agent`` on ``obj``, from the policy of the object's app."""
    return registration(type(obj)).abilities(agent, obj)


def can_read(agent, obj):
    return bool(abilities_for(agent, obj).can_read)


def readable_by(agent, model):
    """The queryset of every ``model`` object ``agent`` may read."""
    return registration(model).readable(agent)


def registered_models():
    """Every model with a registered policy (the leak tests walk them all)."""
    return list(_registry)
