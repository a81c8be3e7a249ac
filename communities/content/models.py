"""The models of the content contract: abstract bases the content types derive from, and the two
shared tables (attachments and subscriptions), which are reached through their parent only."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ModeratedContent(models.Model):
    """What every piece of community content shares so that moderation can handle it."""

    is_hidden = models.BooleanField(_("masqué"), default=False)
    # Lookups of parents whose hiding hides this content too (``"announcement__is_hidden"``):
    # ``communities.permissions.content_visible_to`` filters on them.
    hidden_with = ()

    class Meta:
        abstract = True


class Comment(ModeratedContent):
    """A comment on a piece of content; the concrete table adds the foreign key to its parent
    and ``hidden_with`` (``AnnouncementComment``: ``announcement``)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("commentaire"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    # The author's edits and deletions, as the chat's messages: an edited comment says
    # « modifié » with its date; a deleted one shows as « Commentaire supprimé » (its text gone
    # from the page, kept for the animators in the concrete table's revisions).
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("supprimé le"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["created_at"]

    def __str__(self):
        return self.body[:60]

    @property
    def is_deleted(self):
        return self.deleted_at is not None


class Reaction(models.Model):
    """An emoji an agent put on a piece of content; the concrete table adds the foreign key to
    the content and the unique constraint (content, agent, emoji)."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["pk"]


class Vote(models.Model):
    """One agent's vote on a piece of content (+1, or -1 where the type allows it); the concrete
    table adds the foreign key and the unique constraint (content, agent)."""

    UP, DOWN = 1, -1
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField(choices=[(UP, "+1"), (DOWN, "-1")], default=UP)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class Rating(models.Model):
    """One agent's rating of a piece of content, from 1 to 5; the concrete table adds the foreign
    key and the unique constraint (content, agent)."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Subscription(models.Model):
    """An agent follows a piece of content (an announcement, a topic, a page, an idea, a folder):
    its followers are the recipients of what happens to it."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "content_type", "object_id"], name="content_follow_once"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="content_followers")]

    def __str__(self):
        return f"{self.agent_id} suit {self.content_type_id}:{self.object_id}"


def attachment_path(instance, filename):
    # Never the uploaded name in the path: it is kept in ``name`` for the download.
    return f"pieces-jointes/{timezone.now():%Y/%m}/{instance.token}"


class Attachment(models.Model):
    """A file attached to a piece of community content. Reached only through its parent: the
    download asks the parent's policy (``maillage.policy.can_read``)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    token = models.CharField(max_length=32, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="content_attachments")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("communities:attachment", args=[self.pk])
