"""The calls' own pages: the list of calls, a call's page with its questions and answers, the
roles its managers give, the list of its dossiers and the form that starts one.

Every write goes through ``calls.services``; the pages show only the actions
``calls.permissions`` allows, and a refusal becomes a French message, never a 500.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from calls import deadlines, services
from calls.board import may_see_board
from calls.configuration import can_create_call
from calls.models import CallRole, Criterion, Dossier, DossierMember, Question
from calls.permissions import calls_readable_by, dossiers_readable_by, manages
from calls.stories import can_read_stories
from calls.views.common import call_for
from directory.models import Agent, Region, Service
from maillage.http import Refused, positive_id, run_service

# « lundi 17 octobre 2016 à 17 h 00 »: an instant read on a wall clock in Paris.
paris_datetime = deadlines.french_datetime


def deadline_label(wave):
    """« Clôture de la vague 1 : lundi 17 octobre 2016 à 17 h 00, heure de Paris »."""
    return _("Clôture de la vague %(number)s : %(when)s, heure de Paris") % {
        "number": wave.number,
        "when": paris_datetime(wave.deadline),
    }


def next_wave(call, now=None):
    """The wave of ``call`` that closes next (its deadline still ahead), or None. Reads the
    prefetched ``call.waves`` when there are."""
    now = now or timezone.now()
    ahead = [wave for wave in call.waves.all() if wave.deadline > now]
    return min(ahead, key=lambda wave: wave.deadline, default=None)


def k_euros(value):
    """« 6 000 k€ », « 12,5 k€ »: an amount of thousands of euros as the call's form writes
    it."""
    if value is None:
        return ""
    value = Decimal(value).quantize(Decimal("0.01"))
    whole, cents = divmod(abs(value), 1)
    text = f"{int(whole):,}".replace(",", "\u202f")
    if cents:
        text += "," + f"{cents:.2f}"[2:].rstrip("0")
    return f"{'-' if value < 0 else ''}{text} k€"


def megabytes(size):
    """« 10 Mo », « 2,5 Mo »."""
    value = Decimal(size) / (1024 * 1024)
    text = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} Mo"


# --- the list of calls --------------------------------------------------------------------------


def _with_waves(queryset):
    return queryset.select_related("region").prefetch_related("waves")


@login_required
@require_http_methods(["GET", "HEAD"])
def index(request):
    """« Appels à projets »: the open calls with their next deadline, the closed and historic
    ones, the viewer's dossiers, and for managers the calls they manage; the links to the
    follow-up board (call managers, CDC, SGAR officers) and to the stories of closed projects
    (every State agent)."""
    user = request.user
    now = timezone.now()
    readable = list(_with_waves(calls_readable_by(user)))
    open_calls, closed_calls, managed = [], [], []
    for call in readable:
        call.next_wave = next_wave(call, now)
        call.deadline_label = deadline_label(call.next_wave) if call.next_wave else ""
        if manages(user, call):
            managed.append(call)
        if not call.is_published:
            continue
        if call.is_historic or call.next_wave is None:
            closed_calls.append(call)
        else:
            open_calls.append(call)
    open_calls.sort(key=lambda call: call.next_wave.deadline)
    mine = (
        Dossier.objects.filter(members__agent=user)
        .select_related("call", "wave")
        .distinct()
        .order_by("-updated_at", "-id")
    )
    return render(
        request,
        "calls/calls/index.html",
        {
            "title": _("Appels à projets"),
            "open_calls": open_calls,
            "closed_calls": closed_calls,
            "managed_calls": managed,
            "my_dossiers": mine,
            "can_create_call": can_create_call(request.user),
            "can_see_board": may_see_board(user),
            "can_read_stories": can_read_stories(user),
        },
    )


# --- a call -------------------------------------------------------------------------------------


def _criteria(call):
    """The grid's top criteria, each with its sub-criteria."""
    return (
        Criterion.objects.filter(call=call, parent=None)
        .prefetch_related(Prefetch("children", queryset=Criterion.objects.order_by("order", "id")))
        .order_by("order", "id")
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def call_detail(request, slug):
    call, abilities = call_for(request, slug)
    now = timezone.now()
    waves = list(call.waves.order_by("number"))
    for wave in waves:
        wave.deadline_label = paris_datetime(wave.deadline)
        wave.is_open = wave.deadline > now
    upcoming = next_wave(call, now)
    questions = Question.objects.filter(call=call).exclude(answer="")
    unanswered = (
        Question.objects.filter(call=call, answer="").select_related("asked_by")
        if abilities.can_answer
        else Question.objects.none()
    )
    return render(
        request,
        "calls/calls/call.html",
        {
            "title": call.title,
            "call": call,
            "abilities": abilities,
            "can_apply": abilities.can_apply(now),
            "themes": call.themes.all(),
            "waves": waves,
            "next_deadline": deadline_label(upcoming) if upcoming else "",
            "caps": {
                "envelope": k_euros(call.envelope),
                "max_total_cost": k_euros(call.max_total_cost),
                "max_requested": k_euros(call.max_requested),
            },
            "pieces": call.piece_kinds.all(),
            "formats": ", ".join(fmt.upper() for fmt in call.accepted_formats),
            "size_limit": megabytes(call.max_dossier_bytes),
            "criteria": _criteria(call),
            "questions": questions.order_by("-answered_at", "-id"),
            "unanswered": unanswered.order_by("asked_at", "id"),
        },
    )


@login_required
@require_POST
def call_publish(request, slug):
    call, _abilities = call_for(request, slug)
    run_service(
        request,
        services.call_publish,
        actor=request.user,
        call=call,
        success=_("L'appel est publié : tous les agents le voient."),
    )
    return redirect(call.get_absolute_url())


@login_required
@require_POST
def question_ask(request, slug):
    call, _abilities = call_for(request, slug)
    run_service(
        request,
        services.question_ask,
        actor=request.user,
        call=call,
        text=request.POST.get("text", ""),
        success=_(
            "Votre question est transmise aux gestionnaires de l'appel ; sa réponse sera "
            "publiée sur cette page."
        ),
    )
    return redirect(call.get_absolute_url() + "#questions")


@login_required
@require_POST
def question_answer(request, slug, question_id):
    call, _abilities = call_for(request, slug)
    question = get_object_or_404(Question, pk=question_id, call=call)
    run_service(
        request,
        services.question_answer,
        actor=request.user,
        question=question,
        answer=request.POST.get("answer", ""),
        success=_("La réponse est publiée à tous les candidats."),
    )
    return redirect(call.get_absolute_url() + "#questions")


# --- roles --------------------------------------------------------------------------------------


def _managed_call(request, slug):
    call, abilities = call_for(request, slug)
    if not abilities.can_manage:
        raise PermissionDenied(_("Seuls les gestionnaires de l'appel donnent les rôles."))
    return call, abilities


EMAIL_MAX = 254


def _valid_email(value):
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def roles(request, slug):
    """The managers give a role to an agent found by their e-mail address, and see who holds
    which role."""
    call, abilities = _managed_call(request, slug)
    errors = {}
    values = {"email": "", "role": ""}
    status = 200
    if request.method == "POST":
        values = {
            "email": request.POST.get("email", "").strip(),
            "role": request.POST.get("role", ""),
        }
        agent = None
        if not values["email"]:
            errors["email"] = _("Indiquez l'adresse électronique de l'agent.")
        elif len(values["email"]) > EMAIL_MAX or not _valid_email(values["email"]):
            errors["email"] = _("Cette adresse électronique n'est pas valide.")
            values["email"] = values["email"][:EMAIL_MAX]
        else:
            agent = Agent.objects.filter(email__iexact=values["email"]).first()
            if agent is None:
                errors["email"] = _("Aucun agent n'a cette adresse.")
        if values["role"] not in CallRole.Role.values:
            errors["role"] = _("Choisissez un rôle.")
        if not errors:
            try:
                services.role_grant(actor=request.user, call=call, agent=agent, role=values["role"])
            except Refused as error:
                errors["form"] = str(error)
            else:
                messages.success(
                    request,
                    _("%(agent)s a le rôle « %(role)s ».")
                    % {
                        "agent": agent.display_name,
                        "role": CallRole.Role(values["role"]).label,
                    },
                )
                return redirect("calls:roles", call.slug)
        status = 400
    grants = CallRole.objects.filter(call=call).select_related("agent__service")
    return render(
        request,
        "calls/calls/roles.html",
        {
            "title": _("Rôles de l'appel"),
            "call": call,
            "abilities": abilities,
            "grants": grants.order_by("role", "agent__last_name", "agent__first_name", "id"),
            "role_choices": CallRole.Role.choices,
            "values": values,
            "errors": errors,
        },
        status=status,
    )


@login_required
@require_POST
def role_revoke(request, slug, grant_id):
    call, _abilities = _managed_call(request, slug)
    grant = get_object_or_404(CallRole.objects.select_related("agent"), pk=grant_id, call=call)
    run_service(
        request,
        services.role_revoke,
        actor=request.user,
        grant=grant,
        success=_("Le rôle « %(role)s » de %(agent)s est retiré.")
        % {"role": grant.get_role_display(), "agent": grant.agent.display_name},
    )
    return redirect("calls:roles", call.slug)


# --- the dossiers of a call ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def dossier_list(request, slug):
    """The call's dossiers the viewer may read, by state and wave (``?etat=``, ``?vague=``,
    a value that is not one of the call's ignored)."""
    call, abilities = call_for(request, slug)
    dossiers = dossiers_readable_by(request.user).filter(call=call)
    state = request.GET.get("etat", "")
    if state not in Dossier.State.values:
        state = ""
    waves = list(call.waves.order_by("number"))
    wave_number = positive_id(request.GET.get("vague", ""))
    if wave_number not in {wave.number for wave in waves}:
        wave_number = None
    if state:
        dossiers = dossiers.filter(state=state)
    if wave_number:
        dossiers = dossiers.filter(wave__number=wave_number)
    dossiers = (
        Dossier.objects.filter(pk__in=dossiers.values("pk"))
        .select_related("region", "wave", "call")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=DossierMember.objects.filter(role=DossierMember.Role.LEAD).select_related(
                    "agent"
                ),
                to_attr="leads",
            )
        )
        .order_by("wave__number", "-deposited_at", "title", "id")
    )
    rows = list(dossiers)
    for dossier in rows:
        dossier.lead = dossier.leads[0].agent if dossier.leads else None
    return render(
        request,
        "calls/calls/dossiers.html",
        {
            "title": _("Dossiers de l'appel"),
            "call": call,
            "abilities": abilities,
            "dossiers": rows,
            "states": Dossier.State.choices,
            "waves": waves,
            "state": state,
            "wave_number": wave_number,
            "can_apply": abilities.can_apply(),
        },
    )


def _resolve_service(sigle, region):
    """``(service, error)``: the service of ``region`` whose « sigle » is ``sigle``."""
    found = list(Service.objects.filter(short_name__iexact=sigle, region=region)[:2])
    if not found:
        return None, _("Aucun service de cette région n'a ce sigle.")
    if len(found) > 1:
        return None, _(
            "Plusieurs services de cette région ont ce sigle : laissez le champ vide pour "
            "votre propre service, ou précisez le sigle."
        )
    return found[0], None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def dossier_new(request, slug):
    """A new draft on the call's open wave; its author becomes the operational lead."""
    call, abilities = call_for(request, slug)
    if not abilities.can_apply():
        messages.error(request, _("Cet appel n'accepte pas de nouveau dossier."))
        return redirect(call.get_absolute_url())
    user = request.user
    regions = Region.objects.order_by("name")
    own_service = user.service
    default_region = getattr(own_service, "region_id", None)
    values = {"title": "", "region": str(default_region or ""), "service": ""}
    errors = {}
    status = 200
    if request.method == "POST":
        values = {
            "title": request.POST.get("title", "").strip(),
            "region": request.POST.get("region", ""),
            "service": request.POST.get("service", "").strip(),
        }
        if not values["title"]:
            errors["title"] = _("Donnez un titre au projet.")
        region_id = positive_id(values["region"])
        region = regions.filter(pk=region_id).first() if region_id else None
        if region is None:
            errors["region"] = _("Choisissez la région du préfet porteur de projet.")
        service = None
        if values["service"] and region is not None:
            service, error = _resolve_service(values["service"], region)
            if error:
                errors["service"] = error
        elif not values["service"] and own_service is None:
            errors["service"] = _("Indiquez le sigle du service porteur opérationnel.")
        if not errors:
            try:
                dossier = services.dossier_create(
                    actor=user,
                    call=call,
                    title=values["title"],
                    region=region,
                    operational_service=service,
                )
            except Refused as error:
                errors["form"] = str(error)
            else:
                messages.success(
                    request,
                    _("Le dossier est créé : vous en êtes le porteur opérationnel."),
                )
                return redirect(reverse("calls:dossier", args=[call.slug, dossier.pk]))
        status = 400
    return render(
        request,
        "calls/calls/dossier_new.html",
        {
            "title": _("Préparer un dossier"),
            "call": call,
            "abilities": abilities,
            "regions": regions,
            "own_service": own_service,
            "values": values,
            "errors": errors,
            "wave": next_wave(call),
        },
        status=status,
    )


# Exposed for ``cms`` (the Wagtail page that presents a call) and the other calls' pages.
__all__ = [
    "call_detail",
    "call_publish",
    "deadline_label",
    "dossier_list",
    "dossier_new",
    "index",
    "k_euros",
    "megabytes",
    "next_wave",
    "paris_datetime",
    "question_answer",
    "question_ask",
    "role_revoke",
    "roles",
]
