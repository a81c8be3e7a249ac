"""What the animators do in a box: move an idea's status with a public answer, merge a
duplicate into another idea, and set the box's introduction and who may submit."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ideas import selectors, services
from ideas.forms import BoxSettingsForm, MergeForm, StatusForm
from ideas.models import IdeaBox
from ideas.views.common import attempt, base_context, decorate, idea_or_404, ideas_view
from ideas.views.ideas import render_idea, status_moves


@ideas_view("can_moderate")
def idea_status(request, community, ab, ia, idea_id):
    """Move the idea to another status (POST: ``status``, ``answer``); a refused or incomplete
    move shows the idea's page again with the form's French errors, the answer kept."""
    idea = idea_or_404(community, ia, idea_id)
    if request.method != "POST" or not ia.can_set_status(idea):
        if request.method == "POST":
            messages.error(request, _("Le statut de cette idée ne peut plus être changé."))
        return redirect(idea.get_absolute_url())
    moves, required = status_moves(idea, request.user)
    form = StatusForm(request.POST, moves=moves, answer_required=required)
    status = 400
    if form.is_valid():
        _result, status = attempt(
            request,
            services.idea_set_status,
            idea=idea,
            actor=request.user,
            status=form.cleaned_data["status"],
            answer=form.cleaned_data["answer"],
            success=_("Le statut de l'idée est changé."),
        )
        if status is None:
            return redirect(idea.get_absolute_url())
    return render_idea(request, community, ab, ia, idea, status_form=form, status=status)


@ideas_view("can_moderate")
def idea_merge(request, community, ab, ia, idea_id):
    """Merge the idea into another of the box, found by its title (``?q=``)."""
    idea = idea_or_404(community, ia, idea_id)
    if not ia.can_merge(idea):
        if idea.is_merged:
            return redirect(idea.get_absolute_url())
        raise Http404
    q = (request.POST.get("q") if request.method == "POST" else request.GET.get("q")) or ""
    q = q.strip()[:150]
    candidates = selectors.merge_candidates(community, idea, q)
    decorate(request, community, ia, candidates, supports=False)
    form = MergeForm(request.POST or None, candidates=candidates)
    status = 200
    if request.method == "POST":
        target = form.target_idea() if form.is_valid() else None
        if target is None:
            form.add_error("target", _("Choisissez l'idée qui reçoit la fusion."))
            status = 400
        else:
            _result, status = attempt(
                request,
                services.idea_merge,
                idea=idea,
                target=target,
                actor=request.user,
                success=_("L'idée est fusionnée avec « %(title)s ».") % {"title": target.title},
            )
            if status is None:
                return redirect(target.get_absolute_url())
    context = base_context(
        community, ab, ia, title=_("Fusionner l'idée"), idea=idea, form=form, q=q
    )
    return render(request, "ideas/merge.html", context, status=status)


@ideas_view("can_manage_settings")
def box_settings(request, community, ab, ia):
    box = ia.box
    form = BoxSettingsForm(
        request.POST or None,
        submitters=IdeaBox.Submitters.choices,
        initial={
            "intro": box.intro if box else "",
            "who_may_submit": box.who_may_submit if box else IdeaBox.Submitters.MEMBERS,
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            _result, status = attempt(
                request,
                services.box_settings_save,
                community=community,
                actor=request.user,
                intro=form.cleaned_data["intro"],
                who_may_submit=form.cleaned_data["who_may_submit"],
                success=_("Les paramètres de la boîte à idées sont enregistrés."),
            )
            if status is None:
                return redirect("ideas:index", community.slug)
    context = base_context(community, ab, ia, title=_("Paramètres de la boîte à idées"), form=form)
    return render(request, "ideas/settings.html", context, status=status)
