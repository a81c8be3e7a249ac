"""Background tasks of the idea box (Django's tasks API), run by the worker beside the web server
(``make run``; the immediate backend in the tests)."""

from django.tasks import task

from communities.models import Community
from ideas import services


@task
def refresh_box_trending(*, community_id):
    """Recount the trending supports of one box (queued by its « Tendance » list at most once an
    hour). Returns the number of ideas whose count changed, or ``None`` for a community gone."""
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return None
    return services.refresh_trending(community)
