"""Profiles: the page, its edition, the photo, endorsing a skill and the vCard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from directory import permissions, sections, selectors, services
from directory.forms import SKILL_SUGGESTIONS_ID, CareerFormSet, ProfileForm
from directory.models import Agent
from directory.organisation import may_browse_organisation
from directory.profile import profile_completion
from directory.suggestions import profile_suggestions
from directory.vcard import build_vcard, vcard_filename
from maillage.french import de


def _profile_or_404(request, pk):
    """The agent (with everything the profile shows) and the viewer's abilities on it; 404 when
    the viewer may not open the profile."""
    try:
        agent = selectors.profile_agent(pk)
    except Agent.DoesNotExist as exc:
        raise Http404 from exc
    ab = permissions.profile_abilities(request.user, agent)
    if not ab.can_view:
        raise Http404
    return agent, ab


@login_required
def profile(request, pk):
    agent, ab = _profile_or_404(request, pk)
    viewer = request.user
    completeness, missing = profile_completion(agent) if ab.is_self else (None, [])
    return render(
        request,
        "directory/profile.html",
        {
            "agent": agent,
            "ab": ab,
            # What other apps show on a profile (the communities: its communities the viewer may
            # see, in one query).
            "sections": sections.sections_for("profile", viewer, agent),
            "skills": selectors.skill_cards(viewer, agent),
            "expertise": selectors.tag_names(agent.expertise),
            "interests": selectors.tag_names(agent.interests),
            "languages": selectors.tag_names(agent.languages),
            "career": agent.career.all(),
            "can_edit": ab.can_edit,
            "can_endorse": ab.can_endorse,
            "may_browse_organisation": may_browse_organisation(viewer),
            "completeness": completeness,
            "missing": missing,
            "similar": [] if agent.is_closed else profile_suggestions(viewer, agent),
            "title": agent.display_name,
        },
    )


@login_required
def profile_edit(request, pk):
    agent = get_object_or_404(Agent, pk=pk)
    if not permissions.can_edit_profile(request.user, agent):
        raise PermissionDenied(
            _("Seul l'agent lui-même ou un administrateur peut modifier ce profil.")
        )
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(data, request.FILES or None, instance=agent)
    career = CareerFormSet(data, instance=agent)
    if request.method == "POST":
        # Both validated, so that every error shows at once.
        valid = form.is_valid() & career.is_valid()
        if valid:
            services.agent_update_profile(agent=agent, form=form, career=career)
            messages.success(request, _("Le profil a été enregistré."))
            return redirect(agent.get_absolute_url())
        messages.error(
            request, _("Le profil n'a pas été enregistré : corrigez les erreurs signalées.")
        )
        agent.refresh_from_db()
    return render(
        request,
        "directory/profile_edit.html",
        {
            "form": form,
            "career": career,
            "agent": agent,
            "skill_suggestions": selectors.popular_skill_names(),
            "skill_suggestions_id": SKILL_SUGGESTIONS_ID,
            "title": _("Modifier le profil"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def photo(request, pk):
    agent = get_object_or_404(Agent, pk=pk)
    if not agent.photo or not permissions.can_view_profile(request.user, agent):
        raise Http404
    response = FileResponse(agent.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


PLAIN_TEXT = "text/plain; charset=utf-8"  # messages that quote a name are never read as HTML
ENDORSE_ACTIONS = {
    "endorse": (services.skill_endorse, _lazy("Votre recommandation est enregistrée.")),
    "withdraw": (services.skill_endorsement_withdraw, _lazy("Votre recommandation est retirée.")),
}


@require_POST
@login_required
def endorse(request, pk):
    """Recommend a skill of the agent, or withdraw one's recommendation: ``skill`` (a tag id) and
    ``action`` (endorse or withdraw). With htmx, the skill's fragment comes back; otherwise the
    profile, with a message."""
    agent, ab = _profile_or_404(request, pk)
    action = ENDORSE_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return HttpResponseBadRequest(_("Action inconnue."), content_type=PLAIN_TEXT)
    service, success = action
    tag = selectors.held_skill(agent, request.POST.get("skill"))
    error = None
    if tag is None:
        error = _("Cette compétence ne figure pas sur le profil %(of_name)s.") % {
            "of_name": de(agent.display_name)
        }
    else:
        try:
            service(agent=agent, endorser=request.user, tag=tag)
        except ValidationError as exc:
            error = exc.messages[0]
    htmx = getattr(request, "htmx", None)
    if htmx and tag is None:
        # Only a tampered form gets here; there is no fragment to swap.
        return HttpResponseBadRequest(error, content_type=PLAIN_TEXT)
    if htmx:
        # htmx does not swap error answers: the message goes in the fragment itself.
        [card] = selectors.skill_cards(request.user, agent, tags=[tag])
        return render(
            request,
            "directory/partials/profile_skill.html",
            {
                "skill": card,
                "agent": agent,
                "can_endorse": ab.can_endorse,
                "error": error,
                "notice": None if error else success,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, success)
    anchor = f"#competence-{tag.pk}" if tag is not None else "#competences"
    return redirect(agent.get_absolute_url() + anchor)


@cache_control(private=True, no_store=True)  # personal data: not cached, not kept on disk
@login_required
def vcard(request, pk):
    """The profile as a vCard 3.0, with only the contact details the viewer may see."""
    agent, ab = _profile_or_404(request, pk)
    text = build_vcard(
        agent,
        show_email=ab.can_see_email,
        show_phone=ab.can_see_phone,
        url=request.build_absolute_uri(agent.get_absolute_url()),
        expertise=selectors.tag_names(agent.expertise),
    )
    response = HttpResponse(text.encode(), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=vcard_filename(agent)
    )
    return response
