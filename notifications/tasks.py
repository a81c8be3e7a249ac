"""Background tasks of the notifications (Django's tasks API)."""

from django.tasks import task

from notifications import services


@task
def fan_out(**arguments):
    """Make the notifications of one event for its recipients (``services.deliver``)."""
    return len(services.deliver(**arguments))


@task
def send_digest(*, delivery_id):
    return services.digest_send(delivery_id)
