"""The animators' buttons on a topic and its posts (``forums.animation``): pin, lock, hide and
restore (POST from the topic page's forms), move and merge (a confirmation page with the choice of
a target, then POST). Every id is checked against the community of the address: another
community's topic, post or category answers 404, as a target too."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from forums import animation
from forums.models import Category, Topic
from forums.views.common import base_context, forum_view, post_or_404, topic_or_404
from maillage.forms import DsfrFormMixin
from maillage.http import positive_id, run_service, safe_next

# How many topics the merge page offers at once (the most recent; a search narrows them).
MERGE_CHOICES = 100


def _flag(request, on, off):
    """The POSTed ``action``: True for ``on``, False for ``off``; 400 for anything else."""
    action = request.POST.get("action")
    if action not in (on, off):
        return None
    return action == on


def _back(request, topic):
    return redirect(safe_next(request, topic.get_absolute_url()))


def _toggle_view(request, community, fa, topic_id, *, on, off, service, field, messages_):
    topic = topic_or_404(community, fa, topic_id)
    value = _flag(request, on, off)
    if value is None:
        messages.error(request, _("Action inconnue."))
        return _back(request, topic)
    run_service(
        request,
        service,
        success=messages_[value],
        topic=topic,
        actor=request.user,
        **{field: value},
    )
    return _back(request, topic)


@require_POST
@forum_view("can_moderate")
def topic_pin(request, community, ab, fa, topic_id):
    return _toggle_view(
        request,
        community,
        fa,
        topic_id,
        on="epingler",
        off="desepingler",
        service=animation.topic_pin,
        field="pinned",
        messages_={True: _("Sujet épinglé."), False: _("Sujet désépinglé.")},
    )


@require_POST
@forum_view("can_moderate")
def topic_lock(request, community, ab, fa, topic_id):
    return _toggle_view(
        request,
        community,
        fa,
        topic_id,
        on="verrouiller",
        off="deverrouiller",
        service=animation.topic_lock,
        field="locked",
        messages_={
            True: _("Sujet verrouillé : seule l'animation peut encore y répondre."),
            False: _("Sujet déverrouillé."),
        },
    )


def _hide(request, obj, *, hidden_message, restored_message):
    """Hide or restore a topic or a post through the one moderation (``action`` = masquer or
    retablir)."""
    hidden = _flag(request, "masquer", "retablir")
    if hidden is None:
        messages.error(request, _("Action inconnue."))
        return
    run_service(
        request,
        animation.content_hide,
        success=hidden_message if hidden else restored_message,
        obj=obj,
        actor=request.user,
        hidden=hidden,
    )


@require_POST
@forum_view("can_moderate")
def topic_hide(request, community, ab, fa, topic_id):
    topic = topic_or_404(community, fa, topic_id)
    _hide(request, topic, hidden_message=_("Sujet masqué."), restored_message=_("Sujet rétabli."))
    return _back(request, topic)


@require_POST
@forum_view("can_moderate")
def post_hide(request, community, ab, fa, post_id):
    post = post_or_404(community, fa, post_id)
    _hide(
        request, post, hidden_message=_("Message masqué."), restored_message=_("Message rétabli.")
    )
    return redirect(safe_next(request, post.get_absolute_url()))


# --- move and merge: a confirmation page ----------------------------------------------------


class MoveForm(DsfrFormMixin, forms.Form):
    category = forms.TypedChoiceField(
        label=gettext_lazy("Nouvelle catégorie"),
        coerce=int,
        error_messages={
            "required": gettext_lazy("Choisissez une catégorie."),
            "invalid_choice": gettext_lazy("Choisissez une catégorie de ce forum."),
        },
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.pk, c.name) for c in categories]


class MergeForm(DsfrFormMixin, forms.Form):
    into = forms.TypedChoiceField(
        label=gettext_lazy("Fusionner dans le sujet"),
        help_text=gettext_lazy(
            "Les messages de ce sujet seront ajoutés à la fin du sujet choisi, dans l'ordre où "
            "ils ont été écrits ; ses abonnés suivront le sujet choisi et son adresse y mènera."
        ),
        coerce=int,
        error_messages={
            "required": gettext_lazy("Choisissez le sujet qui le remplace."),
            "invalid_choice": gettext_lazy("Choisissez un sujet de ce forum."),
        },
    )

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [(t.pk, f"{t.title} ({t.category.name})") for t in topics]


@forum_view("can_moderate")
def topic_move(request, community, ab, fa, topic_id):
    topic = topic_or_404(community, fa, topic_id)
    if topic.merged_into_id is not None:
        raise Http404
    categories = list(Category.objects.filter(community=community).exclude(pk=topic.category_id))
    form = MoveForm(request.POST or None, categories=categories)
    status = 200
    if request.method == "POST":
        # A forged id (another community's category) is not a choice: 404, as in an address.
        wanted = positive_id(request.POST.get("category"))
        if wanted not in (None, topic.category_id) and not any(c.pk == wanted for c in categories):
            raise Http404
        if form.is_valid():
            category = next(c for c in categories if c.pk == form.cleaned_data["category"])
            category.community = community
            _moved, ok = run_service(
                request,
                animation.topic_move,
                success=_("Sujet déplacé dans « %(category)s ».") % {"category": category.name},
                topic=topic,
                actor=request.user,
                category=category,
            )
            if ok:
                return redirect(topic.get_absolute_url())
        status = 400
    context = base_context(community, ab, fa, title=_("Déplacer un sujet"), topic=topic, form=form)
    return render(request, "forums/animation/move.html", context, status=status)


@forum_view("can_moderate")
def topic_merge(request, community, ab, fa, topic_id):
    topic = topic_or_404(community, fa, topic_id)
    if topic.merged_into_id is not None:
        raise Http404
    query = (request.GET.get("q") or "").strip()[:200]
    candidates = (
        Topic.objects.filter(community=community, merged_into=None)
        .exclude(pk=topic.pk)
        .select_related("category")
        .order_by("-last_post_at", "-pk")
    )
    if query:
        candidates = candidates.filter(title__icontains=query)
    wanted = positive_id(request.POST.get("into")) if request.method == "POST" else None
    topics = list(candidates[:MERGE_CHOICES])
    if wanted is not None and not any(t.pk == wanted for t in topics):
        # A target beyond the list shown (chosen before a new topic came), or a forged id.
        extra = candidates.filter(pk=wanted).first()
        if extra is None:
            raise Http404
        topics.append(extra)
    form = MergeForm(request.POST or None, topics=topics)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            into = next(t for t in topics if t.pk == form.cleaned_data["into"])
            into.community = community
            _into, ok = run_service(
                request,
                animation.topic_merge,
                success=_("Sujets fusionnés : les messages de « %(title)s » sont à la suite.")
                % {"title": topic.title},
                topic=topic,
                actor=request.user,
                into=into,
            )
            if ok:
                return redirect(into.get_absolute_url())
        status = 400
    context = base_context(
        community,
        ab,
        fa,
        title=_("Fusionner un sujet"),
        topic=topic,
        form=form,
        query=query,
        has_choices=bool(topics),
    )
    return render(request, "forums/animation/merge.html", context, status=status)
