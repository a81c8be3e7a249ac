"""Communities, memberships, charters, invitations, announcements, moderation and activity."""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from communities.content.models import Comment, ModeratedContent, Rating  # noqa: F401


class Theme(models.Model):
    """A policy area (eau, sécurité alimentaire, emploi…): a list managed in the back-office."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("thématique")

    def __str__(self):
        return self.name


class Community(models.Model):
    class Kind(models.TextChoices):
        POLICY = "policy", _("Politique publique")
        EXPERTISE = "expertise", _("Expertise métier")
        USAGE = "usage", _("Usage partagé")
        SOCIAL = "social", _("Sociale ou extra-professionnelle")

    class Visibility(models.TextChoices):
        # One setting says who sees the community and how one joins it.
        OPEN = "open", _("Ouverte : visible par tous, adhésion en un clic")
        ON_REQUEST = (
            "on_request",
            _("Sur demande : visible par tous, adhésion validée par l'animation"),
        )
        PRIVATE_LISTED = (
            "private_listed",
            _("Privée listée : nom et description visibles, sur invitation"),
        )
        PRIVATE_SECRET = (
            "private_secret",
            _("Privée secrète : invisible hors membres, sur invitation"),
        )

    class Scope(models.TextChoices):
        NATIONAL = "national", _("Nationale")
        REGION = "region", _("Régionale")
        DEPARTMENT = "department", _("Départementale")

    TOOLS = ("announcements", "forum", "wiki", "ideas", "chat", "documents")

    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(max_length=160, unique=True)
    description = models.TextField(_("description"), max_length=5000)
    objective = models.TextField(_("objectif commun"), max_length=2000)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="communities", verbose_name=_("thématiques")
    )
    visibility = models.CharField(
        _("visibilité et adhésion"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.OPEN,
    )
    scope = models.CharField(
        _("périmètre"), max_length=20, choices=Scope.choices, default=Scope.REGION
    )
    region = models.ForeignKey(
        "directory.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communities",
        verbose_name=_("région"),
    )
    department = models.ForeignKey(
        "directory.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communities",
        verbose_name=_("département"),
    )
    ministries = models.ManyToManyField(
        "directory.Ministry", blank=True, related_name="communities", verbose_name=_("ministères")
    )
    image = models.ImageField(_("image"), upload_to="communities/", blank=True)

    tool_announcements = models.BooleanField(_("annonces"), default=True)
    tool_forum = models.BooleanField(_("forum"), default=True)
    tool_wiki = models.BooleanField(_("wiki"), default=True)
    tool_ideas = models.BooleanField(_("boîte à idées"), default=True)
    tool_chat = models.BooleanField(_("messagerie instantanée"), default=True)
    tool_documents = models.BooleanField(_("documents"), default=True)

    current_charter = models.ForeignKey(
        "CharterVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_animators_community = models.BooleanField(default=False, editable=False)
    member_count = models.PositiveIntegerField(default=0, editable=False)
    archived_at = models.DateTimeField(_("archivée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("communauté")
        indexes = [models.Index(fields=["visibility", "archived_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["is_animators_community"],
                condition=models.Q(is_animators_community=True),
                name="one_animators_community",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("communities:home", args=[self.slug])

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def is_secret(self):
        return self.visibility == self.Visibility.PRIVATE_SECRET

    @property
    def is_private(self):
        return self.visibility in (self.Visibility.PRIVATE_LISTED, self.Visibility.PRIVATE_SECRET)

    @property
    def territory(self):
        if self.scope == self.Scope.DEPARTMENT:
            return self.department
        if self.scope == self.Scope.REGION:
            return self.region
        return None

    @property
    def is_interministerial(self):
        return self.ministries.count() > 1

    def tool_enabled(self, tool):
        return getattr(self, f"tool_{tool}")


class Membership(models.Model):
    class State(models.TextChoices):
        REQUESTED = "requested", _("Demande en attente")
        INVITED = "invited", _("Invitation en attente")
        ACTIVE = "active", _("Membre")
        BANNED = "banned", _("Exclusion")

    class Role(models.TextChoices):
        # Neutral labels: the role, not a masculine title (« Animation », not « Animateur »).
        MEMBER = "member", _("Membre")
        ANIMATOR = "animator", _("Animation")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    state = models.CharField(max_length=12, choices=State.choices)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    message = models.TextField(_("message"), max_length=1000, blank=True)
    reason = models.TextField(_("motif"), max_length=1000, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    charter_accepted = models.ForeignKey(
        "CharterVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The latest charter version this member accepted.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    joined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "agent"], name="one_membership")
        ]
        indexes = [
            models.Index(fields=["agent", "state"]),
            models.Index(fields=["community", "state", "role"]),
        ]

    def __str__(self):
        return f"{self.agent} @ {self.community} ({self.state})"

    @property
    def is_active(self):
        return self.state == self.State.ACTIVE

    @property
    def is_animator(self):
        return self.is_active and self.role == self.Role.ANIMATOR


class CharterVersion(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="charter_versions"
    )
    number = models.PositiveIntegerField()
    text = models.TextField(_("texte de la charte"), max_length=20000)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["community", "number"], name="one_charter_number")
        ]

    def __str__(self):
        return f"{self.community} — charte v{self.number}"


class CharterAcceptance(models.Model):
    """Who accepted which version, when: the record the community shows."""

    version = models.ForeignKey(
        CharterVersion, on_delete=models.CASCADE, related_name="acceptances"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="charter_acceptances"
    )
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "agent"], name="one_acceptance")]

    def __str__(self):
        return f"{self.agent} — v{self.version.number}"


def invitation_token():
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An invitation by e-mail of someone with no account yet: it waits for their first sign-in
    (State agents) or lets them create an external account (partners outside the State)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=invitation_token)
    external = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "email"],
                condition=models.Q(used_at__isnull=True),
                name="one_open_invitation",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.community}"


class Announcement(ModeratedContent):
    """A post of the community's blog: an annonce (the animators', notified to the members and
    pinnable) or an article (any member who may contribute). A draft (``published_at`` empty) is
    seen by its author only; published, it is listed, rated and commented."""

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "annonce", _("Annonce")
        ARTICLE = "article", _("Article")

    # Lookups that must be set for the content to be seen by anyone but its author (a draft is
    # not): ``communities.permissions.content_visible_to`` and ``ContentAbilities`` read them.
    published_with = ("published_at",)

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="announcements")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        _("type de billet"), max_length=10, choices=Kind.choices, default=Kind.ANNOUNCEMENT
    )
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(
        _("texte"),
        max_length=20000,
        help_text=_("Mise en forme Markdown : **gras**, *italique*, listes, liens."),
    )
    pinned = models.BooleanField(_("épinglée"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Empty for a draft. A published post keeps its date when it is edited (``edited_at``).
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True, default=timezone.now)
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True)
    featured_at = models.DateTimeField(_("mis en avant le"), null=True, blank=True)
    featured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept by ``communities.blog.post_rate`` so that lists read them without a join.
    rating_average = models.DecimalField(max_digits=2, decimal_places=1, null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-pinned", "-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["community", "is_hidden", "-pinned", "-created_at"]),
            models.Index(fields=["community", "published_at"], name="blog_published"),
            models.Index(fields=["author", "published_at"], name="blog_by_author"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("communities:announcement", args=[self.community.slug, self.pk])

    @property
    def is_draft(self):
        return self.published_at is None

    @property
    def is_article(self):
        return self.kind == self.Kind.ARTICLE

    @property
    def is_featured(self):
        return self.featured_at is not None


class AnnouncementRating(Rating):
    """An agent's 1–5 rating of a published post of the blog (``communities.blog.post_rate``)."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="ratings")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["announcement", "agent"], name="one_rating_per_post")
        ]

    def __str__(self):
        return f"{self.stars}/5"


class AnnouncementComment(Comment):
    hidden_with = ("announcement__is_hidden",)  # see permissions.content_visible_to
    published_with = ("announcement__published_at",)  # none on a draft, but never listed with one

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="comments"
    )

    class Meta(Comment.Meta):
        pass

    def get_absolute_url(self):
        return self.announcement.get_absolute_url() + f"#commentaire-{self.pk}"


class AnnouncementCommentRevision(models.Model):
    """A comment's text before an edit or a deletion (the history the animators may read)."""

    comment = models.ForeignKey(
        AnnouncementComment, on_delete=models.CASCADE, related_name="revisions"
    )
    body = models.TextField(max_length=5000)
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["replaced_at", "pk"]

    def __str__(self):
        return f"Version du commentaire {self.comment_id} remplacée le {self.replaced_at:%d/%m/%Y}"


class CommunityProposal(models.Model):
    """An agent's proposal of a new community, until the calls for projects: the platform's
    administrators accept it (the community is created, the proposer animates it) or decline it
    with a reason (``communities.services.PROPOSAL``, through the workflow helper)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Refusée")

    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_proposals"
    )
    name = models.CharField(_("nom"), max_length=150)
    objective = models.TextField(_("objectif commun"), max_length=2000)
    kind = models.CharField(_("type"), max_length=20, choices=Community.Kind.choices)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="+", verbose_name=_("thématiques")
    )
    visibility = models.CharField(
        _("visibilité et adhésion"),
        max_length=20,
        choices=Community.Visibility.choices,
        default=Community.Visibility.OPEN,
    )
    why = models.TextField(_("pourquoi cette communauté"), max_length=3000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("motif du refus"), max_length=2000, blank=True)
    community = models.ForeignKey(
        Community, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-created_at"])]
        verbose_name = _("proposition de communauté")

    def __str__(self):
        return self.name


class Report(models.Model):
    """A member's report (signalement) of a piece of content, for the community's animators."""

    class Status(models.TextChoices):
        OPEN = "open", _("À traiter")
        HIDDEN = "hidden", _("Contenu masqué")
        DISMISSED = "dismissed", _("Classé sans suite")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="reports")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(_("motif du signalement"), max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "status"])]

    def __str__(self):
        return f"Signalement #{self.pk} ({self.get_status_display()})"


class AuditLog(models.Model):
    """Every moderation and administration action, for the record."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="audit_log", null=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=50)
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.action} — {self.created_at:%d/%m/%Y}"


class Activity(models.Model):
    """One line of a community's activity stream, written by the services on commit."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verb = models.CharField(max_length=40)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    summary = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    is_hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "-created_at"])]

    def __str__(self):
        return self.summary


@register_setting(icon="doc-full")
class CharterTemplate(BaseGenericSetting):
    """The platform-wide charter every new community starts from; staff edit it."""

    text = models.TextField(
        _("modèle de charte"),
        default=(
            "## Charte de la communauté\n\n"
            "En rejoignant cette communauté, je m'engage à :\n\n"
            "- respecter les autres membres, leurs opinions et leurs fonctions ;\n"
            "- partager des informations exactes et utiles, en citant mes sources ;\n"
            "- respecter la confidentialité des informations non publiques et le secret "
            "professionnel ;\n"
            "- ne publier aucune donnée personnelle sans l'accord des personnes concernées ;\n"
            "- signaler à l'animation tout contenu contraire à cette charte.\n\n"
            "La liberté d'action s'accompagne de devoirs : l'animation veille à la qualité des "
            "échanges et peut masquer un contenu ou exclure un membre qui ne respecte pas la charte."
        ),
    )

    panels = ["text"]

    class Meta:
        verbose_name = _("modèle de charte des communautés")


# The content contract's shared tables (communities/content/models.py) belong to this app.
from communities.content.models import Attachment, Subscription  # noqa: E402, F401
