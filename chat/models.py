"""Rooms, messages and read positions of the instant messaging.

A room is a community's room (its main room, « Général », and the named channels its animators
add: every active member of the community is in all of them), a direct conversation between two
agents, or a group conversation (up to 50 agents, ``Participant`` rows).

Every change in a room (a message sent, edited, deleted, a reaction) takes the room's next
sequence number (``Room.last_seq``) in the transaction that writes it, and the message keeps the
number of its latest change (``Message.seq``). A client that knows the last number it saw asks
for the messages whose ``seq`` is greater: that is the whole of what it missed, in any order of
delivery, whatever the channel layer dropped.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.content.models import Reaction as BaseReaction
from communities.models import Community, ModeratedContent

MAX_MESSAGE_LENGTH = 10000
MAX_GROUP_SIZE = 50


class Room(models.Model):
    class Kind(models.TextChoices):
        COMMUNITY = "community", _("Salon de communauté")
        DIRECT = "direct", _("Conversation privée")
        GROUP = "group", _("Conversation de groupe")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, null=True, blank=True, related_name="chat_rooms"
    )
    name = models.CharField(_("nom"), max_length=80, blank=True)
    topic = models.CharField(_("sujet"), max_length=300, blank=True)
    # The community's main room, created with the community; the others are named channels.
    is_main = models.BooleanField(default=False)
    # "<smaller agent id>-<larger agent id>" for a direct conversation: one per pair of agents.
    direct_key = models.CharField(max_length=40, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The sequence number of the room's latest change (see the module's docstring).
    last_seq = models.PositiveBigIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community"],
                condition=Q(is_main=True),
                name="chat_one_main_room_per_community",
            ),
            models.UniqueConstraint(
                fields=["community", "name"],
                condition=Q(community__isnull=False),
                name="chat_channel_names_unique_in_community",
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.COMMUNITY:
            return f"{self.community} · {self.name}"
        return self.name or f"Conversation {self.pk}"

    def get_absolute_url(self):
        return reverse("chat:room", args=[self.pk])

    @property
    def is_community(self):
        return self.kind == self.Kind.COMMUNITY

    @property
    def is_direct(self):
        return self.kind == self.Kind.DIRECT

    @property
    def is_group(self):
        return self.kind == self.Kind.GROUP

    @property
    def group_name(self):
        """The channel-layer group of the room's open connections."""
        return f"chat.room.{self.pk}"


class Participant(models.Model):
    """An agent in a direct or group conversation (community rooms follow the memberships)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="participants")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_participations"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "agent"], name="chat_participant_once")
        ]

    def __str__(self):
        return f"{self.agent_id} dans {self.room_id}"


class ReadMarker(models.Model):
    """How far an agent has read a room: kept per agent and per room, across devices."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="read_markers")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "agent"], name="chat_read_once")]

    def __str__(self):
        return f"{self.agent_id} a lu {self.room_id} jusqu'à {self.last_read_id}"


def attachment_upload_to(message, filename):
    # Never the uploaded name in the path: it is kept in attachment_name for the download.
    suffix = filename.rsplit(".", 1)[-1].lower()[:10] if "." in filename else "bin"
    return f"chat/{timezone.now():%Y/%m}/{message.room_id}-{message.client_id[:36]}.{suffix}"


def thumbnail_upload_to(message, filename):
    # Next to the file it shows (chat/thumbnails.py makes it when the picture is sent).
    return f"chat/{timezone.now():%Y/%m}/{message.room_id}-{message.client_id[:36]}.miniature.jpg"


class Message(ModeratedContent):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    # The room's community, kept on the message for the moderation queue (None in conversations).
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Chosen by the sending client: a resend after a timeout is recognised and stored once.
    client_id = models.CharField(max_length=64)
    body = models.TextField(_("message"), max_length=MAX_MESSAGE_LENGTH, blank=True)
    search_text = models.TextField(blank=True, editable=False)
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    attachment = models.FileField(upload_to=attachment_upload_to, blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_size = models.PositiveIntegerField(default=0)
    attachment_type = models.CharField(max_length=100, blank=True)
    # A JPEG at most THUMBNAIL_SIZE pixels wide and high, made from a picture attachment by the
    # server (never the uploaded bytes): shown inline, served by the attachment's own view.
    attachment_thumbnail = models.FileField(upload_to=thumbnail_upload_to, blank=True)
    attachment_thumbnail_width = models.PositiveSmallIntegerField(default=0)
    attachment_thumbnail_height = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["author", "client_id"], name="chat_client_id_once")
        ]
        indexes = [
            models.Index(fields=["room", "seq"], name="chat_message_room_seq"),
            models.Index(fields=["room", "id"], name="chat_message_room_id"),
        ]

    def __str__(self):
        return f"Message {self.pk} de {self.author_id} dans {self.room_id}"

    def get_absolute_url(self):
        return f"{reverse('chat:room', args=[self.room_id])}?autour={self.pk}#message-{self.pk}"

    @property
    def is_deleted(self):
        return self.deleted_at is not None or self.is_hidden


class MessageRevision(models.Model):
    """A message's text before an edit (the history animators may read)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(max_length=MAX_MESSAGE_LENGTH)
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["replaced_at", "pk"]

    def __str__(self):
        return f"Version du message {self.message_id} remplacée le {self.replaced_at:%d/%m/%Y}"


class Reaction(BaseReaction):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")

    class Meta(BaseReaction.Meta):
        constraints = [
            models.UniqueConstraint(fields=["message", "agent", "emoji"], name="chat_react_once")
        ]

    def __str__(self):
        return f"{self.emoji} de {self.agent_id} sur {self.message_id}"


class Mute(models.Model):
    """An animator's mute: the member reads the community's rooms but writes nothing until."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="chat_mutes")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    until = models.DateTimeField()
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "agent"], name="chat_mute_once")
        ]

    def __str__(self):
        return f"{self.agent_id} muet dans {self.community_id} jusqu'au {self.until:%d/%m/%Y %H:%M}"
