"""The audit log of moderation and administration: one line per action, labelled by the app
that writes it (the chat's « chat_muted » is the chat's to name)."""

from django.contrib.contenttypes.models import ContentType

_labels = {}


def register_action(code, label):
    """The French name of an audit action code, as the journal shows it."""
    _labels[code] = label


def label_of(code):
    return _labels.get(code, code)


def registered_actions():
    return dict(_labels)


def record(*, community, actor, action, target=None, target_agent=None, reason=""):
    """Write one line of the audit log (in the caller's transaction: it commits or rolls back
    with the action)."""
    from communities.models import AuditLog

    return AuditLog.objects.create(
        community=community,
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=target.pk if target is not None else None,
        target_agent=target_agent,
        reason=reason,
    )
