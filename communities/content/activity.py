"""The activity stream, written by the services.

The line is written in the same transaction as the change it describes: it is a row of the same
database, so it commits or rolls back with it (never a line about something that did not happen).
Side effects outside the database (notifications, real time, indexing) run on commit instead.
"""

from django.contrib.contenttypes.models import ContentType

from communities.models import Activity


def record(*, community, actor, verb, summary, target=None, url=""):
    return Activity.objects.create(
        community=community,
        actor=actor,
        verb=verb,
        summary=summary[:300],
        url=url or (target.get_absolute_url() if target is not None else ""),
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=target.pk if target is not None else None,
    )
