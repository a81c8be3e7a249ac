"""The registry of the kinds of events agents are notified of. It imports no app: each app that
produces events registers its kinds from its ``AppConfig.ready()`` (the communities in
``communities/notification_kinds.py``, the chat in ``chat/notification_kinds.py``; the forum, the
wiki, the ideas and the calls will do the same in theirs).

A kind has a French label and description, its default channels (in the app; by e-mail at once,
in the daily or weekly digest, or not), where it stands on the preferences page (``order``), and
the permission check applied to its recipients when the notification is made and again at every
read, through the one policy.

The check is batched: ``visible_many(agents, target) -> set of agent ids`` reads what the policy
needs for all the recipients at once (their memberships, their participations) and asks the
policy's abilities for each, so a fan-out costs the same queries for 5 recipients or 5,000.
``Kind.visible(agent, target)`` is the same check for one agent. A kind may register a one-agent
``visible`` only (it is then called per recipient).

Every read of the notifications checks them again (``notifications/selectors.py``): one agent,
many targets. For that shape a kind declares what its check reads beside the target
(``related``, given to ``select_related`` when the targets are read in bulk) and may fill, in one
query, what the check would otherwise read per target (``prefetch(agent, targets)``).

A notification may belong to a community (``Notification.community``: an agent mutes a
community, a digest groups by community), but what an agent's memberships are is the communities'
to say: they register it here (``register_communities``), and the notifications ask through it.

A kind's immediate e-mail is ``notifications/email/immediate`` (with the unsubscribe link of its
kind); ``email_template`` names a template extending it, for a kind that has more to say than its
summary (it gets the notification's ``target``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from notifications.models import Email


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    description: str
    default_email: str
    visible_many: Callable
    default_in_app: bool = True
    # Where the kind stands on the preferences page (then by key): not the registration order,
    # which is the order the apps happen to be installed in.
    order: int = 1000
    # What the check reads through the target (``select_related`` paths).
    related: tuple = ()
    # ``prefetch(agent, targets)``: read at once what the check reads per target for one agent.
    prefetch: Callable | None = None
    # The immediate e-mail's template (extending ``notifications/email/immediate``), if not that.
    email_template: str | None = None

    def visible(self, agent, target):
        return agent.pk in self.visible_many([agent], target)


# ``{key: Kind}``, always in the preferences page's order.
KINDS = {}


def _one_by_one(visible):
    def visible_many(agents, target):
        return {agent.pk for agent in agents if visible(agent, target)}

    return visible_many


def register(
    key,
    *,
    label,
    description,
    visible=None,
    visible_many=None,
    default_email=Email.WEEKLY,
    order=1000,
    related=(),
    prefetch=None,
    email_template=None,
):
    """Declare a kind of event (from the producing app's ``AppConfig.ready()``)."""
    if key in KINDS:
        raise ImproperlyConfigured(f"The notification kind {key!r} is registered twice.")
    if visible_many is None:
        visible_many = _one_by_one(visible)
    kinds = {
        **KINDS,
        key: Kind(
            key=key,
            label=label,
            description=description,
            default_email=default_email,
            visible_many=visible_many,
            order=order,
            related=tuple(related),
            prefetch=prefetch,
            email_template=email_template,
        ),
    }
    ordered = sorted(kinds.values(), key=lambda kind: (kind.order, kind.key))
    KINDS.clear()
    KINDS.update((kind.key, kind) for kind in ordered)


def get(key):
    return KINDS[key]


# --- what the notifications ask the communities -----------------------------------------------


@dataclass
class _Communities:
    # ``(agent) -> queryset``: the communities the agent belongs to (those they may mute).
    of_agent: Callable | None = None
    # ``(agent, community ids)``: read the agent's memberships of these communities at once, for
    # the checks that follow (a list of notifications about many communities).
    remember_memberships: Callable | None = None


_communities = _Communities()


def register_communities(*, of_agent, remember_memberships):
    """The communities app tells what an agent's communities and memberships are."""
    _communities.of_agent = of_agent
    _communities.remember_memberships = remember_memberships


def communities_of(agent):
    """The communities the agent belongs to (none if no app told)."""
    from notifications.models import CommunityMute

    if _communities.of_agent is None:
        return CommunityMute._meta.get_field("community").related_model.objects.none()
    return _communities.of_agent(agent)


def remember_memberships(agent, community_ids):
    """Read the agent's memberships of these communities once, before many checks."""
    if _communities.remember_memberships is not None and community_ids:
        _communities.remember_memberships(agent, community_ids)
