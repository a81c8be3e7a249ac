"""The generic writes of the content contract: follow a piece of content, attach files to it,
react, vote and rate. Each content type keeps its own tables for reactions, votes and ratings
(abstract bases in ``communities.content.models``); these functions work on any of them.

The caller (the content type's own service) has checked that the agent may contribute to the
parent; the functions here check what is generic (text, files, values) and write.
"""

import secrets

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from communities.content.models import Attachment, Subscription
from maillage.http import Refused
from maillage.uploads import check_file

MAX_ATTACHMENTS = 10
MAX_EMOJI_LENGTH = 16


class ContentError(Refused):
    """A refused write on a piece of content, with its French message."""


# --- following ----------------------------------------------------------------------------------


def follow(*, agent, target):
    """``agent`` follows ``target`` (following twice is following once)."""
    Subscription.objects.get_or_create(
        agent=agent,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
    )


def unfollow(*, agent, target):
    Subscription.objects.filter(
        agent=agent,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
    ).delete()


def is_following(agent, target):
    return Subscription.objects.filter(
        agent_id=agent.pk,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
    ).exists()


def followers(target):
    """The ids of the agents who follow ``target`` (one query): the recipients the notifications
    are given; the notifications apply the policy to them."""
    return list(
        Subscription.objects.filter(
            content_type=ContentType.objects.get_for_model(target), object_id=target.pk
        ).values_list("agent_id", flat=True)
    )


# --- attachments --------------------------------------------------------------------------------


def attach(*, target, upload, uploaded_by):
    """Store ``upload`` as an attachment of ``target`` (checked by ``maillage.uploads``); a file
    refused raises ContentError with its French message."""
    try:
        name, mime_type = check_file(upload)
    except ValidationError as error:
        raise ContentError(error.messages[0], "invalid_file") from None
    content_type = ContentType.objects.get_for_model(target)
    count = Attachment.objects.filter(content_type=content_type, object_id=target.pk).count()
    if count >= MAX_ATTACHMENTS:
        raise ContentError(
            _("%(max)s pièces jointes au plus.") % {"max": MAX_ATTACHMENTS}, "invalid_file"
        )
    attachment = Attachment(
        community=target.community,
        content_type=content_type,
        object_id=target.pk,
        token=secrets.token_hex(16),
        name=name,
        mime_type=mime_type,
        size=upload.size,
        uploaded_by=uploaded_by,
    )
    attachment.file.save(attachment.token, upload, save=False)
    attachment.save()
    return attachment


def attachments_of(target):
    return list(
        Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(target), object_id=target.pk
        )
    )


def attachment_delete(*, attachment):
    """Remove an attachment and, once the transaction commits, its file."""
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- reactions, votes, ratings -------------------------------------------------------------------


def reaction_toggle(model, *, agent, emoji, **target):
    """Add the agent's ``emoji`` on the content (``target``: the concrete table's foreign key,
    e.g. ``message=…``), or take it back if it was there. True when added."""
    emoji = (emoji or "").strip()
    if not emoji or len(emoji) > MAX_EMOJI_LENGTH or emoji.isalnum():
        raise ContentError(_("Choisissez un émoji."), "invalid")
    existing = model.objects.filter(agent=agent, emoji=emoji, **target)
    if existing.exists():
        existing.delete()
        return False
    try:
        with transaction.atomic():
            model.objects.create(agent=agent, emoji=emoji, **target)
    except IntegrityError:  # the same click twice at once: it is there
        pass
    return True


def vote_set(model, *, agent, value, **target):
    """The agent's vote on the content: +1, -1 (where the type's choices allow it), or 0 to
    withdraw it. Returns the content's score afterwards."""
    allowed = {choice for choice, _label in model._meta.get_field("value").choices}
    if value == 0:
        model.objects.filter(agent=agent, **target).delete()
    elif value in allowed:
        model.objects.update_or_create(agent=agent, defaults={"value": value}, **target)
    else:
        raise ContentError(_("Ce vote n'est pas possible."), "invalid")
    from django.db.models import Sum

    return model.objects.filter(**target).aggregate(score=Sum("value"))["score"] or 0


def rating_set(model, *, agent, stars, **target):
    """The agent's rating of the content, from 1 to 5 (0 withdraws it). Returns the content's
    ``(average, count)`` afterwards."""
    from django.db.models import Avg, Count

    if stars == 0:
        model.objects.filter(agent=agent, **target).delete()
    elif isinstance(stars, int) and not isinstance(stars, bool) and 1 <= stars <= 5:
        model.objects.update_or_create(agent=agent, defaults={"stars": stars}, **target)
    else:
        raise ContentError(_("Une note va de 1 à 5 étoiles."), "invalid")
    result = model.objects.filter(**target).aggregate(average=Avg("stars"), count=Count("pk"))
    return result["average"], result["count"]
