"""The idea box (« Boîte à idées ») of a community: ideas, their supports (« je soutiens »), the
public answers and statuses the animators give them, their comments, and the platform-wide box
« Améliorer Maillage » (an ``IdeaBox`` with ``is_platform``, see ``docs/adr/0009``).

Every count a list sorts on is a column kept by ``ideas.services`` (``support_count``,
``comment_count``, ``recent_support_count``), each sort served by an index within a community
(and within a community and a status), so a page of 20 ideas reads 20 rows of an index whatever
the size of the box. An idea's status moves only through ``ideas.workflow.IDEA`` (the platform's
workflow helper), each move leaving an ``IdeaStatusChange`` (the history shown on the idea).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.content.models import Comment, ModeratedContent, Reaction

# Ideas on one page of a box's list.
IDEAS_PER_PAGE = 20
# The limits of an idea's texts (a longer text is refused with a French message).
TITLE_MAX = 150
BODY_MAX = 10_000
ANSWER_MAX = 5_000
INTRO_MAX = 5_000
# The trending sort counts the supports of the last TRENDING_DAYS days.
TRENDING_DAYS = 30


class IdeaBox(models.Model):
    """A community's idea box: its settings, created on first use (``services.box_for``).

    The platform box « Améliorer Maillage » is the box of the platform community the ideas app
    creates (``services.platform_box``); ``is_platform`` is true on that one row only.
    """

    class Submitters(models.TextChoices):
        MEMBERS = "members", _("Les membres")
        ANIMATORS = "animators", _("Les animateurs seulement")

    community = models.OneToOneField(
        "communities.Community", on_delete=models.CASCADE, related_name="idea_box"
    )
    is_platform = models.BooleanField(default=False, editable=False)
    # Markdown (through maillage.markup) shown at the top of the box.
    intro = models.TextField(
        _("présentation de la boîte à idées"), max_length=INTRO_MAX, blank=True
    )
    who_may_submit = models.CharField(
        _("qui peut proposer une idée"),
        max_length=10,
        choices=Submitters.choices,
        default=Submitters.MEMBERS,
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("boîte à idées")
        verbose_name_plural = _("boîtes à idées")
        constraints = [
            models.UniqueConstraint(
                fields=["is_platform"], condition=Q(is_platform=True), name="idea_platform_box_once"
            )
        ]

    def __str__(self):
        return f"Boîte à idées de {self.community_id}"


class Idea(ModeratedContent):
    """An idea submitted to a community's box.

    ``status`` moves only through ``ideas.workflow``; ``answer`` is the latest public answer of
    the animators (Markdown), the earlier ones are in ``status_changes``. A merged idea has
    ``status == "merged"`` and ``merged_into`` set; its address redirects to the end of the chain.
    The counters are kept exact by the services (``F()`` updates under the transaction):
    ``support_count`` (live supports), ``comment_count`` (comments shown: neither hidden nor
    deleted) and ``recent_support_count`` (supports of the last ``TRENDING_DAYS`` days: raised by
    each support, lowered by a withdrawal of a recent support, and recomputed for the ideas whose
    old supports aged out by ``services.refresh_trending``).
    """

    class Status(models.TextChoices):
        NEW = "new", _("Nouvelle")
        STUDYING = "studying", _("À l'étude")
        ADOPTED = "adopted", _("Retenue")
        IMPLEMENTED = "implemented", _("Mise en œuvre")
        REJECTED = "rejected", _("Non retenue")
        MERGED = "merged", _("Fusionnée")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="ideas"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("titre"), max_length=TITLE_MAX)
    body = models.TextField(_("description"), max_length=BODY_MAX, blank=True)
    # Chosen among the community's themes (the service refuses any other).
    themes = models.ManyToManyField("communities.Theme", blank=True, related_name="+")
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    answer = models.TextField(_("réponse"), max_length=ANSWER_MAX, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_ideas"
    )
    support_count = models.PositiveIntegerField(default=0)
    recent_support_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(_("modifiée le"), null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("idée")
        verbose_name_plural = _("idées")
        indexes = [
            models.Index(fields=["community", "-support_count", "-id"], name="idea_supports"),
            models.Index(
                fields=["community", "-recent_support_count", "-id"], name="idea_trending"
            ),
            models.Index(fields=["community", "-created_at", "-id"], name="idea_newest"),
            models.Index(fields=["community", "-comment_count", "-id"], name="idea_commented"),
            models.Index(
                fields=["community", "status", "-support_count", "-id"],
                name="idea_status_supports",
            ),
            models.Index(
                fields=["community", "status", "-created_at", "-id"], name="idea_status_newest"
            ),
            models.Index(
                fields=["community", "status", "-recent_support_count", "-id"],
                name="idea_status_trending",
            ),
            models.Index(
                fields=["community", "status", "-comment_count", "-id"],
                name="idea_status_commented",
            ),
            models.Index(fields=["author", "-created_at"], name="idea_author"),
            # The ideas whose trending count may have to drop (services.refresh_trending).
            models.Index(fields=["community", "-last_activity_at"], name="idea_community_activity"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_merged(self):
        return self.status == self.Status.MERGED

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("ideas:idea", args=[self.community.slug, self.pk])


class IdeaTitleWord(models.Model):
    """A significant normalised word of an idea's title (``services.title_words``), kept by the
    services with the title: « similar ideas » looks up the words of the title being typed on
    the (community, word) index, a bounded number of rows per word, instead of scanning the
    box's titles."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="title_words")
    word = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "word"], name="idea_word_once")]
        indexes = [models.Index(fields=["community", "word", "-idea"], name="idea_word_lookup")]

    def __str__(self):
        return self.word


class IdeaStatusChange(models.Model):
    """One move of an idea's status, with the answer given (the history shown on the idea).
    A merge writes one with ``new == "merged"`` and ``target`` the idea merged into."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    old = models.CharField(max_length=12, choices=Idea.Status.choices)
    new = models.CharField(max_length=12, choices=Idea.Status.choices)
    answer = models.TextField(_("réponse"), max_length=ANSWER_MAX, blank=True)
    target = models.ForeignKey(
        Idea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("changement de statut d'une idée")
        verbose_name_plural = _("changements de statut des idées")

    def __str__(self):
        return f"{self.idea_id} : {self.old} → {self.new}"


class IdeaSupport(models.Model):
    """« Je soutiens »: one per agent and idea, withdrawable (the row is deleted). An author may
    not support their own idea (as in Decidim); a merge moves the supports to the target without
    counting anyone twice."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("soutien à une idée")
        verbose_name_plural = _("soutiens aux idées")
        constraints = [models.UniqueConstraint(fields=["idea", "agent"], name="idea_support_once")]
        indexes = [
            models.Index(fields=["idea", "created_at"], name="idea_support_recent"),
            models.Index(fields=["agent", "-created_at"], name="idea_support_agent"),
        ]

    def __str__(self):
        return f"{self.agent_id} soutient {self.idea_id}"


class IdeaComment(Comment):
    """A comment on an idea (content contract: reports, hiding, reactions, mentions)."""

    hidden_with = ("idea__is_hidden",)

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta(Comment.Meta):
        ordering = ["created_at", "pk"]
        verbose_name = _("commentaire d'idée")
        verbose_name_plural = _("commentaires d'idées")
        indexes = [
            models.Index(fields=["idea", "created_at", "id"], name="idea_comment_order"),
            models.Index(fields=["author", "-created_at"], name="idea_comment_author"),
        ]

    def get_absolute_url(self):
        return self.idea.get_absolute_url() + f"#commentaire-{self.pk}"


class IdeaCommentRevision(models.Model):
    """A comment's text before an edit or a deletion (the history the animators may read)."""

    comment = models.ForeignKey(IdeaComment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(max_length=5000)
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["replaced_at", "pk"]

    def __str__(self):
        return f"Version du commentaire {self.comment_id} remplacée le {self.replaced_at:%d/%m/%Y}"


class IdeaCommentReaction(Reaction):
    comment = models.ForeignKey(IdeaComment, on_delete=models.CASCADE, related_name="reactions")

    class Meta(Reaction.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "agent", "emoji"], name="idea_comment_reaction_once"
            )
        ]
