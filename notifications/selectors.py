"""Which notifications an agent may see now: every read of the notifications goes through here.

A notification was checked against the policy when it was made (``services.deliver``), but what
it is about may have changed since: an announcement hidden by moderation, a member banned from a
secret community, a report closed, a message deleted. The centre, ``/notifications/<id>/``, the
embedded relay's live push and the digests apply the kind's check again (``notifications/kinds.py``,
through the one policy) with these functions, and the services withdraw what fails it.

The cost does not grow with the number of notifications: the targets are read in one query per
content type (with what the kinds' checks read through them), the agent's memberships of the
communities involved in one query, and each distinct (kind, target) is checked once.
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType

from notifications import kinds


def targets_of(notifications):
    """``{(target_type_id, target_id): target}`` of the notifications, one query per content
    type; a deleted target is absent."""
    wanted = defaultdict(set)
    related = defaultdict(set)
    for notification in notifications:
        wanted[notification.target_type_id].add(notification.target_id)
        spec = kinds.KINDS.get(notification.kind)
        if spec is not None:
            related[notification.target_type_id].update(spec.related)
    found = {}
    for type_id, ids in wanted.items():
        try:
            model = ContentType.objects.get_for_id(type_id).model_class()
        except ContentType.DoesNotExist:
            continue
        if model is None:  # the app of that content type is gone
            continue
        queryset = model._default_manager.filter(pk__in=ids)
        if related[type_id]:
            queryset = queryset.select_related(*sorted(related[type_id]))
        for target in queryset:
            found[(type_id, target.pk)] = target
    return found


def _read_memberships(agent, community_ids):
    """Read the agent's memberships of these communities in one query, for the policy's
    questions that follow (what the communities registered: ``kinds.remember_memberships``),
    always afresh: the change being checked may have just ended one."""
    kinds.remember_memberships(agent, community_ids)


def _key(notification):
    return (notification.kind, notification.target_type_id, notification.target_id)


def visible_to_agent(agent, notifications):
    """Those of ``notifications`` (all the agent's own) the agent may see now, in the order
    given: one agent, many targets (the centre, one notification opened, a digest)."""
    notifications = list(notifications)
    if not notifications:
        return []
    targets = targets_of(notifications)
    _read_memberships(agent, {n.community_id for n in notifications if n.community_id})
    per_kind = defaultdict(dict)
    for notification in notifications:
        target = targets.get((notification.target_type_id, notification.target_id))
        if target is not None:
            per_kind[notification.kind][id(target)] = target
    for kind, found in per_kind.items():
        spec = kinds.KINDS.get(kind)
        if spec is not None and spec.prefetch is not None:
            spec.prefetch(agent, list(found.values()))
    verdicts = {}
    for notification in notifications:
        key = _key(notification)
        if key not in verdicts:
            spec = kinds.KINDS.get(notification.kind)
            target = targets.get(key[1:])
            verdicts[key] = spec is not None and target is not None and spec.visible(agent, target)
    return [notification for notification in notifications if verdicts[_key(notification)]]


def visible_to_recipients(notifications):
    """Those of ``notifications`` (of any recipients, ``recipient`` loaded) their recipient may
    see now: many recipients, few targets (the relay's new notifications, every notification
    about a content just hidden). Each distinct (kind, target) is checked once for all its
    recipients with the kind's batched check."""
    notifications = list(notifications)
    if not notifications:
        return []
    targets = targets_of(notifications)
    recipients = defaultdict(dict)
    for notification in notifications:
        recipients[_key(notification)][notification.recipient_id] = notification.recipient
    allowed = {}
    for key, agents in recipients.items():
        spec = kinds.KINDS.get(key[0])
        target = targets.get(key[1:])
        if spec is None or target is None:
            allowed[key] = set()
        else:
            allowed[key] = spec.visible_many(list(agents.values()), target)
    return [n for n in notifications if n.recipient_id in allowed[_key(n)]]
