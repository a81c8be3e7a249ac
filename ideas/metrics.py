"""The idea box's figures for the steering reports (``maillage.metrics``): « Idées par statut »
(a stock: each community's ideas by their status at the end of the period) and « Idées retenues »
(a flow: the ideas moved to « retenue » during the period), by community. The platform box's
figures are the platform's own (``community_id`` None). Hidden ideas are not counted; merged
ones are counted under « fusionnée »."""

from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea, IdeaBox, IdeaStatusChange

BY_STATUS = "ideas_by_status"
ADOPTED = "ideas_adopted"


def _platform_community_id():
    return IdeaBox.objects.filter(is_platform=True).values_list("community_id", flat=True).first()


def _community(community_id, platform_id):
    return None if community_id == platform_id else community_id


def ideas_by_status(start, end):
    """``(community_id, status, count)``: each idea created before ``end``, with the status its
    last change before ``end`` gave it (« nouvelle » without one)."""
    last_change = (
        IdeaStatusChange.objects.filter(idea=OuterRef("pk"), created_at__lt=end)
        .order_by("-created_at", "-pk")
        .values("new")[:1]
    )
    rows = (
        Idea.objects.filter(created_at__lt=end, is_hidden=False)
        .annotate(status_at=Coalesce(Subquery(last_change), Value(Idea.Status.NEW)))
        .order_by()
        .values("community_id", "status_at")
        .annotate(n=Count("pk"))
    )
    platform_id = _platform_community_id()
    return [
        (_community(row["community_id"], platform_id), row["status_at"], row["n"]) for row in rows
    ]


def ideas_adopted(start, end):
    """``(community_id, "", count)``: the ideas moved to « retenue » in ``[start, end)`` (an
    idea adopted, re-examined and adopted again counts once)."""
    rows = (
        IdeaStatusChange.objects.filter(
            new=Idea.Status.ADOPTED,
            created_at__gte=start,
            created_at__lt=end,
            idea__is_hidden=False,
        )
        .order_by()
        .values("idea__community_id")
        .annotate(n=Count("idea_id", distinct=True))
    )
    platform_id = _platform_community_id()
    return [(_community(row["idea__community_id"], platform_id), "", row["n"]) for row in rows]


def register():
    from maillage import metrics

    metrics.register(
        BY_STATUS,
        label=_("Idées par statut"),
        kinds=dict(Idea.Status.choices),
        collect=ideas_by_status,
        stock=True,
        app="ideas",
    )
    metrics.register(
        ADOPTED,
        label=_("Idées retenues"),
        collect=ideas_adopted,
        stock=False,
        app="ideas",
    )
