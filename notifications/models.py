"""Notifications, each agent's preferences, and the record of the digests sent.

A notification is a row per recipient: what happened (``kind`` and a French ``summary``), who did
it, about which object and in which community, and where to go (``url``). It is made by a
background task after the event's transaction commits (``notifications.services.notify``), which
applies the permission policy and the recipient's preferences at that moment.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Email(models.TextChoices):
    IMMEDIATE = "immediate", _("Par e-mail, tout de suite")
    DAILY = "daily", _("Dans le résumé quotidien")
    WEEKLY = "weekly", _("Dans le résumé hebdomadaire")
    NONE = "none", _("Pas d'e-mail")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    summary = models.CharField(max_length=300)
    url = models.CharField(max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(default=timezone.now)
    # Shown in the notification centre (and counted in the bell) or only e-mailed.
    in_app = models.BooleanField(default=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # How it is e-mailed, chosen at creation from the preferences; when it went out.
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.NONE)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(in_app=True),
                name="notif_centre",
            ),
            models.Index(
                fields=["recipient", "email"],
                condition=Q(emailed_at__isnull=True),
                name="notif_pending_email",
            ),
        ]

    def __str__(self):
        return f"{self.kind} pour {self.recipient_id} : {self.summary}"

    @property
    def is_read(self):
        return self.read_at is not None


class Preference(models.Model):
    """One agent's choice for one kind of event (absent: the kind's defaults)."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40)
    in_app = models.BooleanField(_("dans l'application"), default=True)
    email = models.CharField(_("par e-mail"), max_length=10, choices=Email.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agent", "kind"], name="notif_pref_once")]

    def __str__(self):
        return f"{self.agent_id} · {self.kind} : {self.in_app} / {self.email}"


class CommunityMute(models.Model):
    """A community muted by an agent: entirely (``kind`` empty) or for one kind of event."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "community", "kind"], name="notif_mute_once")
        ]

    def __str__(self):
        return f"{self.agent_id} ne suit plus {self.community_id} ({self.kind or 'tout'})"


class DigestDelivery(models.Model):
    """One digest of one agent for one period: the unique constraint is what makes a digest go
    out at most once per period, whatever restarts or concurrent schedulers."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=10)
    period = models.CharField(max_length=12)  # "2026-11-30" or "2026-W49"
    # The start of the period: the digest carries what was waiting before it.
    cutoff = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "frequency", "period"], name="notif_digest_once"
            )
        ]

    def __str__(self):
        return f"Résumé {self.frequency} {self.period} de {self.agent_id}"
