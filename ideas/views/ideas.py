"""An idea's page, the forms that submit and edit one, and « Je soutiens »."""

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from communities.content.services import attachments_of
from ideas import selectors, services, workflow
from ideas.forms import IdeaForm, StatusForm
from ideas.models import Idea, IdeaStatusChange
from ideas.views.common import (
    attempt,
    base_context,
    decorate,
    idea_or_404,
    idea_url_prefix,
    ideas_view,
)
from maillage.http import Refused, safe_next

PLAIN_TEXT = "text/plain; charset=utf-8"


def _refusal(ia):
    """Why this agent may not submit here (None: they may)."""
    if ia.can_submit:
        return None
    if ia.must_accept_charter:
        return _("Pour proposer une idée, lisez et acceptez d'abord la charte de la communauté.")
    if ia.can_contribute and ia.animators_only:
        return _("Dans cette boîte, seule l'animation propose des idées.")
    if ia.ab.archived:
        return _("Cette communauté est archivée : plus rien n'y est publié.")
    return _("Seuls les membres de la communauté proposent des idées.")


def _idea_form(request, community, *, idea=None, data=None, initial=None):
    if initial is None and idea is not None:
        initial = {
            "title": idea.title,
            "body": idea.body,
            "themes": [str(pk) for pk in idea.themes.values_list("pk", flat=True)],
        }
    form = IdeaForm(
        data,
        (request.FILES or None) if data is not None else None,
        themes=selectors.box_themes(community),
        initial=initial,
    )
    # Similar ideas as the title is typed (a plain submit button does it without JavaScript).
    attrs = form.fields["title"].widget.attrs
    attrs["hx-get"] = reverse("ideas:similar", args=[community.slug])
    attrs["hx-trigger"] = "keyup changed delay:400ms"
    attrs["hx-target"] = "#idea-similar"
    attrs["hx-swap"] = "innerHTML"
    if idea is not None:
        attrs["hx-vals"] = f'{{"sauf": "{idea.pk}"}}'
    return form


def _similar_for(request, community, ia, title, exclude=None):
    found = selectors.similar_ideas(community, title, exclude=exclude)
    return decorate(request, community, ia, found, supports=False)


def _wrong_beyond_missing(form):
    """Whether the form has an error other than a missing field (a text too long, a forged
    theme)."""
    form.is_valid()
    return any(
        error.code != "required" for errors in form.errors.as_data().values() for error in errors
    )


@ideas_view()
def idea_new(request, community, ab, ia):
    refusal = _refusal(ia)
    checking = request.method == "POST" and "verifier" in request.POST
    data = request.POST if request.method == "POST" else None
    form = _idea_form(request, community, data=data)
    if checking and not _wrong_beyond_missing(form):
        # Without JavaScript: the form comes back as typed, without « required » errors yet,
        # with the similar ideas under the title (a text too long is said at once).
        form = _idea_form(
            request,
            community,
            initial={
                "title": request.POST.get("title", ""),
                "body": request.POST.get("body", ""),
                "themes": request.POST.getlist("themes"),
            },
        )
    similar = None
    status = 200
    if request.method == "POST" and refusal is None:
        if checking:
            similar = _similar_for(request, community, ia, request.POST.get("title", ""))
            status = 400 if form.is_bound else 200
        elif form.is_valid():
            idea, status = attempt(
                request,
                services.idea_submit,
                community=community,
                agent=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                themes=form.chosen_themes(),
                attachments=form.attachments(),
                success=_("Votre idée est publiée."),
            )
            if idea is not None:
                return redirect(idea.get_absolute_url())
        else:
            status = 400
    return _idea_form_page(
        request,
        community,
        ab,
        ia,
        refusal=refusal,
        status=status,
        title=_("Proposer une idée"),
        form=form,
        similar=similar,
    )


def _idea_form_page(request, community, ab, ia, *, refusal, status, **context):
    """The page of the idea form (a new idea, an edit): a POST the agent may not make says why
    (``refusal``), with a 403."""
    if request.method == "POST" and refusal is not None:
        messages.error(request, refusal)
        status = 403
    context = base_context(community, ab, ia, refusal=refusal, **context)
    return render(request, "ideas/idea_form.html", context, status=status)


@ideas_view()
def idea_edit(request, community, ab, ia, idea_id):
    idea = idea_or_404(community, ia, idea_id)
    if idea.is_merged:
        return redirect(idea.get_absolute_url())
    refusal = None
    if not ia.can_edit(idea):
        refusal = (
            _("Cette idée n'est plus modifiable : elle est passée à l'étude.")
            if idea.author_id == request.user.pk and idea.status != Idea.Status.NEW
            else _("Seul l'auteur d'une idée la modifie, tant qu'elle est « nouvelle ».")
        )
    data = request.POST if request.method == "POST" else None
    form = _idea_form(request, community, idea=idea, data=data)
    similar = None
    status = 200
    if request.method == "POST" and refusal is None:
        if form.is_valid():
            _result, status = attempt(
                request,
                services.idea_edit,
                idea=idea,
                agent=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                themes=form.chosen_themes(),
                attachments=form.attachments(),
                success=_("L'idée est modifiée."),
            )
            if status is None:
                return redirect(idea.get_absolute_url())
        else:
            status = 400
    return _idea_form_page(
        request,
        community,
        ab,
        ia,
        refusal=refusal,
        status=status,
        title=_("Modifier l'idée"),
        form=form,
        idea=idea,
        similar=similar,
    )


def status_moves(idea, actor):
    """``(moves, answer_required)`` the animator may make from the idea's status."""
    moves, required = [], []
    for move in workflow.moves_for(idea, actor):
        moves.append((move.target, str(move.label)))
        if move.reason_required:
            required.append(move.target)
    return moves, required


def render_idea(request, community, ab, ia, idea, *, status_form=None, status=200):
    """The idea's page (also shown again, with its errors, by a refused status change)."""
    decorate(request, community, ia, [idea])
    history = list(IdeaStatusChange.objects.filter(idea=idea).select_related("actor", "target"))
    prefix = idea_url_prefix(community)
    for change in history:
        if change.target_id:
            change.target_url = f"{prefix}{change.target_id}/"
    if status_form is None and ia.can_set_status(idea):
        moves, required = status_moves(idea, request.user)
        if moves:
            status_form = StatusForm(moves=moves, answer_required=required)
    context = base_context(
        community,
        ab,
        ia,
        title=idea.title,
        idea=idea,
        theme_list=idea.theme_list,
        attachments=attachments_of(idea),
        history=history,
        merged_ideas=list(
            Idea.objects.filter(merged_into=idea).select_related("author").order_by("pk")[:20]
        ),
        status_form=status_form,
        can_edit=ia.can_edit(idea),
        is_author=request.user.pk == idea.author_id,
        next=idea.url,
    )
    return render(request, "ideas/idea.html", context, status=status)


@ideas_view()
def idea_detail(request, community, ab, ia, idea_id):
    idea = idea_or_404(community, ia, idea_id)
    if idea.is_merged:
        target = selectors.merge_target(idea)
        if target is not None and ia.can_read_idea(target):
            messages.info(
                request,
                _("L'idée « %(title)s » a été fusionnée avec celle-ci.") % {"title": idea.title},
            )
            return redirect(target.get_absolute_url())
    return render_idea(request, community, ab, ia, idea)


SUPPORT_ACTIONS = {"support", "withdraw"}


@ideas_view()
def idea_support(request, community, ab, ia, idea_id):
    """Give or withdraw « je soutiens » (``action``: support or withdraw; without it, the
    opposite of the current state). With htmx, the button's fragment comes back with the new
    count; otherwise the page the agent came from, with a message."""
    idea = idea_or_404(community, ia, idea_id)
    if request.method != "POST":
        return redirect(idea.get_absolute_url())
    action = request.POST.get("action", "")
    if action and action not in SUPPORT_ACTIONS:
        return HttpResponseBadRequest(_("Action inconnue."), content_type=PLAIN_TEXT)
    error = notice = None
    try:
        supports = services.support_toggle(
            idea=idea, agent=request.user, support={"support": True, "withdraw": False}.get(action)
        )
    except Refused as refused:
        error = str(refused)
    else:
        notice = (
            _("Vous soutenez cette idée.") if supports else _("Vous ne soutenez plus cette idée.")
        )
    htmx = getattr(request, "htmx", None)
    if htmx:
        # htmx does not swap error answers: the message goes in the fragment itself.
        idea.refresh_from_db(fields=["support_count", "status", "is_hidden"])
        decorate(request, community, ia, [idea])
        response = render(
            request,
            "ideas/partials/support.html",
            {
                "idea": idea,
                "community": community,
                "error": error,
                "notice": notice,
                "next": safe_next(request, idea.url),
            },
        )
        response["Vary"] = "HX-Request"
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect(safe_next(request, idea.get_absolute_url()))
