"""The workspace of one dossier: its overview (state, deadline, the eligibility pre-check, the
completeness gate, the deposit and the audit trail) and its parts — the sponsor form, the
synthesis, the guided presentation, the team, the partners, the financing plan, the application
act and the pieces —, the deposit, the withdrawal and the export.

Every page is read through ``common.dossier_for`` (404 for what the viewer may not read) and
every write through a service of ``calls.services``: a part the viewer may not edit (a deposited
dossier, a reader outside the team) is shown read-only, and a POST to it is refused by the
service with its French message.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from calls import deadlines, documents, eligibility, files, services
from calls import presentation as presentation_rules
from calls.financing import plan_of, plan_years
from calls.forms import (
    ActForm,
    MemberForm,
    OriginalsForm,
    PartnerForm,
    PieceForm,
    PresentationForm,
    SponsorForm,
    SynthesisForm,
    WithdrawForm,
    financing_lines,
    financing_rows,
    read_only,
)
from calls.models import Dossier, DossierMember, FinancingLine
from calls.services import CallError
from calls.views.common import dossier_for
from calls.workflow import AUDIT_ACTIONS
from maillage.http import Refused, id_or_404, safe_next
from maillage.uploads import protected_download

M = DossierMember.Role
S = Dossier.State

# The parts of the workspace, in the side menu's order: key, url name, label.
PARTS = [
    ("overview", "calls:dossier", gettext_lazy("Vue d'ensemble")),
    ("sponsor", "calls:sponsor", gettext_lazy("Porteur de projet")),
    ("synthesis", "calls:synthesis", gettext_lazy("Fiche de synthèse")),
    ("presentation", "calls:presentation", gettext_lazy("Présentation du projet")),
    ("team", "calls:team", gettext_lazy("Équipe")),
    ("partners", "calls:partners", gettext_lazy("Partenaires")),
    ("financing", "calls:financing", gettext_lazy("Plan de financement")),
    ("act", "calls:act", gettext_lazy("Acte de candidature")),
    ("pieces", "calls:pieces", gettext_lazy("Pièces")),
]
PART_URLS = {key: name for key, name, _label in PARTS}
# Where each required field of ``eligibility.REQUIRED_FIELDS`` is filled.
FIELD_PARTS = {
    "title": "synthesis",
    "acronym": "synthesis",
    "main_theme": "synthesis",
    "summary": "synthesis",
    "signatory_name": "act",
    "signatory_title": "act",
    "signed_on": "act",
}
# The audit trail's labels: the workflow's moves and the services' acts.
AUDIT_LABELS = {
    **AUDIT_ACTIONS,
    "dossier_created": gettext_lazy("Dossier créé"),
    "member_added": gettext_lazy("Membre ajouté à l'équipe"),
    "member_removed": gettext_lazy("Membre retiré de l'équipe"),
    "complement_uploaded": gettext_lazy("Complément déposé"),
    "originals_received": gettext_lazy("Originaux papier reçus"),
    "expert_assigned": gettext_lazy("Expert désigné"),
    "evaluation_submitted": gettext_lazy("Évaluation remise"),
    "information_requested": gettext_lazy("Demande de complément"),
    "information_answered": gettext_lazy("Réponse à une demande de complément"),
    "community_created": gettext_lazy("Communauté créée"),
    "registry_consent": gettext_lazy("Inscription au registre des innovateurs"),
    "registry_withdrawn": gettext_lazy("Retrait du registre des innovateurs"),
    # After the decision (the follow-up's services).
    "audition_scheduled": gettext_lazy("Audition programmée"),
    "audition_recorded": gettext_lazy("Compte rendu d'audition"),
    "convention_updated": gettext_lazy("Convention mise à jour"),
    "convention_file_uploaded": gettext_lazy("Convention signée déposée"),
    "milestone_saved": gettext_lazy("Calendrier du projet modifié"),
    "partner_aid_saved": gettext_lazy("Aide directe d'un partenaire modifiée"),
    "tranche_saved": gettext_lazy("Tranche modifiée"),
    "tranche_condition_met": gettext_lazy("Condition de tranche levée"),
    "tranche_payable": gettext_lazy("Tranche rendue payable"),
    "tranche_step": gettext_lazy("Étape du circuit de financement"),
    "indicator_saved": gettext_lazy("Indicateur défini"),
    "indicator_deleted": gettext_lazy("Indicateur supprimé"),
    "indicator_value_entered": gettext_lazy("Valeur d'indicateur saisie"),
    "indicator_value_reviewed": gettext_lazy("Valeur d'indicateur examinée"),
    "indicator_reminder": gettext_lazy("Relance : valeur d'indicateur manquante"),
    "report_submitted": gettext_lazy("Rapport remis"),
    "review_recorded": gettext_lazy("Revue enregistrée"),
    "story_published": gettext_lazy("Retour d'expérience publié"),
    "story_featured": gettext_lazy("Retour d'expérience mis en avant"),
    "personal_data_purged": gettext_lazy("Données personnelles purgées"),
}
STATE_BADGES = {
    S.DRAFT: "fr-badge--info",
    S.DEPOSITED: "fr-badge--new",
    S.WITHDRAWN: "",
    S.INELIGIBLE: "fr-badge--error",
    S.EVALUATION: "fr-badge--new",
    S.REVIEWED: "fr-badge--new",
    S.REFERRED: "fr-badge--warning",
    S.SELECTED: "fr-badge--success",
    S.NOT_SELECTED: "fr-badge--error",
    S.PROMISING: "fr-badge--warning",
    S.AUDITION: "fr-badge--new",
    S.IN_PROGRESS: "fr-badge--success",
    S.FINAL_REPORT: "fr-badge--info",
    S.CLOSED: "fr-badge--success",
}


def workspace_view(*methods):
    """A page of the workspace: signed in, the methods it answers, the dossier of the address
    read through the policy (404 otherwise); the view gets ``(request, dossier, abilities,
    ...)``."""

    def decorate(func):
        @login_required
        @require_http_methods(list(methods))
        @wraps(func)
        def view(request, slug, dossier_id, *args, **kwargs):
            dossier, abilities = dossier_for(request, slug, dossier_id)
            return func(request, dossier, abilities, *args, **kwargs)

        return view

    return decorate


def _url(name, dossier, *args):
    return reverse(name, args=[dossier.call.slug, dossier.pk, *args])


def share_text(share):
    """« 57,1 % » (one decimal, French comma), or « — »."""
    return "—" if share is None else f"{share}".replace(".", ",") + " %"


class Status:
    """What the side menu and the overview read: the plan, the pre-check, what is missing, and
    each part's completeness."""

    def __init__(self, dossier):
        self.dossier = dossier
        self.plan = plan_of(dossier)
        self.checks = eligibility.precheck(dossier, plan=self.plan)
        self.missing = eligibility.completeness(dossier)
        self.ready, self.reasons = eligibility.can_deposit(dossier)

    def part_of(self, item):
        """The part where a ``Missing`` item is fixed."""
        if item.kind is not None:
            return "partners" if item.kind.per_partner else "pieces"
        if item.field == eligibility.DELEGATION:
            return "act"
        if item.field.startswith(("sponsor_", "contact_")):
            return "sponsor"
        return FIELD_PARTS.get(item.field, "overview")

    def fix_url(self, item):
        part = self.part_of(item)
        url = _url(PART_URLS[part], self.dossier)
        if item.partner is not None:
            return f"{url}#partner-{item.partner.pk}"
        if item.kind is not None:
            return f"{url}#kind-{item.kind.code}"
        if item.field and item.field != eligibility.DELEGATION:
            return f"{url}#id_{item.field}"
        return url

    def gate(self):
        return [(item, self.fix_url(item)) for item in self.missing]

    def complete(self):
        dossier = self.dossier
        missing_parts = {self.part_of(item) for item in self.missing}
        failed = {check.code for check in self.checks if not check.ok}
        return {
            "overview": self.ready,
            "sponsor": "sponsor" not in missing_parts,
            "synthesis": "synthesis" not in missing_parts and "E16" not in failed,
            "presentation": not presentation_rules.missing(
                dossier.presentation, presentation_rules.sections_for(dossier.call)
            )
            and dossier.free_software is not None
            and bool(dossier.support_needs.strip()),
            "team": not ({"E9", "E10", "E11"} & failed),
            "partners": "partners" not in missing_parts and "E15" not in failed,
            "financing": self.plan.total > 0 and self.plan.ok,
            "act": "act" not in missing_parts,
            "pieces": "pieces" not in missing_parts,
        }


def _render(request, dossier, abilities, part, template, context, *, status=200, state=None):
    state = state or Status(dossier)
    complete = state.complete()
    menu = [
        {
            "key": key,
            "label": label,
            "url": _url(name, dossier),
            "complete": complete[key],
            "current": key == part,
        }
        for key, name, label in PARTS
    ]
    title = next(label for key, _name, label in PARTS if key == part)
    base = {
        "dossier": dossier,
        "call": dossier.call,
        "ab": abilities,
        "part": part,
        "menu": menu,
        "state_badge": STATE_BADGES.get(dossier.state, ""),
        "editable": abilities.can_edit,
        "title": f"{title} — {dossier}",
        "part_title": title,
        "status": state,
        "signatures": Dossier.Signature.choices,
        "formats": ", ".join(files.accepted_formats(dossier.call)),
    }
    base.update(context)
    return render(request, template, base, status=status)


def _refused(request, error):
    messages.error(request, str(error))
    return error.status


# --- overview ---------------------------------------------------------------------------------


@workspace_view("GET")
def overview(request, dossier, ab):
    """The state, the deadline and the time left, the pre-check, the completeness gate, the
    financing plan's blocking issues, the deposit button (only when the gate and the viewer
    allow it), the team, the audit trail and the withdrawal."""
    state = Status(dossier)
    now = timezone.now()
    events = [
        {
            "actor": event.actor.display_name if event.actor else _("Plateforme"),
            "at": event.at,
            "label": AUDIT_LABELS.get(event.action, event.action),
            "comment": event.comment,
        }
        for event in dossier.events.select_related("actor")
    ]
    context = {
        "deadline_text": deadlines.french_datetime(dossier.wave.deadline),
        "deadline_open": deadlines.deposit_open(dossier.wave, now),
        "members": dossier.members.select_related("agent", "agent__service"),
        "events": events,
        "can_deposit_now": state.ready
        and ab.can_deposit
        and deadlines.deposit_open(dossier.wave, now),
        "withdraw_form": WithdrawForm() if ab.can_withdraw else None,
    }
    return _render(
        request, dossier, ab, "overview", "calls/dossier/overview.html", context, state=state
    )


# --- the parts edited through dossier_update ----------------------------------------------------


def _form_part(request, dossier, ab, *, part, service_part, form, values, success, extra=None):
    """GET: the form (read-only when the viewer may not edit); POST: checked, then written by
    ``services.dossier_update`` (a refusal is its French message, the form kept)."""
    status = 200
    if not ab.can_edit:
        read_only(form)
        if request.method == "POST":
            # Refused by the service whatever was posted: its French message, nothing read.
            try:
                services.dossier_update(actor=request.user, dossier=dossier, part=service_part)
            except CallError as error:
                status = _refused(request, error)
    elif request.method == "POST":
        if form.is_valid():
            try:
                services.dossier_update(
                    actor=request.user, dossier=dossier, part=service_part, **values(form)
                )
            except CallError as error:
                status = _refused(request, error)
                dossier.refresh_from_db()
            else:
                messages.success(request, success)
                return redirect(request.path)
        else:
            status = 400
    context = {"form": form, **(extra or {})}
    return _render(request, dossier, ab, part, f"calls/dossier/{part}.html", context, status=status)


@workspace_view("GET", "POST")
def sponsor(request, dossier, ab):
    """The sponsor's identification form (R39)."""
    form = SponsorForm(request.POST or None, instance=dossier)
    return _form_part(
        request,
        dossier,
        ab,
        part="sponsor",
        service_part="sponsor",
        form=form,
        values=lambda f: {name: f.cleaned_data[name] for name in services.EDITABLE["sponsor"]},
        success=_("Le porteur de projet est enregistré."),
    )


@workspace_view("GET", "POST")
def synthesis(request, dossier, ab):
    """The synthesis (R40) and the community the project will create."""
    form = SynthesisForm(request.POST or None, instance=dossier)

    def values(f):
        data = {name: f.cleaned_data[name] for name in services.EDITABLE["synthesis"]}
        data["community_themes"] = list(f.cleaned_data["community_themes"])
        return data

    return _form_part(
        request,
        dossier,
        ab,
        part="synthesis",
        service_part="synthesis",
        form=form,
        values=values,
        success=_("La fiche de synthèse est enregistrée."),
    )


@workspace_view("GET", "POST")
def presentation(request, dossier, ab):
    """The guided presentation (R41): a textarea per sub-item, by section, the page estimate
    (a warning over 20 pages) and the empty mandatory items; free software; support needs."""
    form = PresentationForm(request.POST or None, dossier=dossier)
    sections = presentation_rules.sections_for(dossier.call)
    pages = presentation_rules.page_estimate(dossier.presentation, sections)
    limit = presentation_rules.page_limit_for(dossier.call)
    extra = {
        "pages": pages,
        "page_limit": limit,
        "over_limit": pages > limit,
        "missing_items": presentation_rules.missing(dossier.presentation, sections),
    }
    return _form_part(
        request,
        dossier,
        ab,
        part="presentation",
        service_part="presentation",
        form=form,
        values=lambda f: f.values(),
        success=_("La présentation est enregistrée."),
        extra=extra,
    )


@workspace_view("GET", "POST")
def application_act(request, dossier, ab):
    """The application act (R44): the signatory, the date, whether a delegation is needed; the
    generated act to sign (``application_act_pdf``)."""
    form = ActForm(request.POST or None, instance=dossier)
    return _form_part(
        request,
        dossier,
        ab,
        part="act",
        service_part="act",
        form=form,
        values=lambda f: f.values(),
        success=_("L'acte de candidature est enregistré."),
        extra={"pdf_url": _url("calls:act_pdf", dossier)},
    )


@workspace_view("GET")
def application_act_pdf(request, dossier, ab):
    """The generated application act, with the sponsor's name and address and the call's
    declaration, to print and sign."""
    response = HttpResponse(documents.application_act_pdf(dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="acte-de-candidature-{dossier.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- team -------------------------------------------------------------------------------------


@workspace_view("GET", "POST")
def team(request, dossier, ab):
    """The dossier's members; the sponsor and the lead add an agent by e-mail with a role."""
    form = MemberForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.member_add(
                    actor=request.user,
                    dossier=dossier,
                    agent=form.agent,
                    role=form.cleaned_data["role"],
                )
            except CallError as error:
                status = _refused(request, error)
            else:
                messages.success(
                    request,
                    _("%(agent)s rejoint le dossier.") % {"agent": form.agent.display_name},
                )
                return redirect(request.path)
        else:
            status = 400
    members = dossier.members.select_related("agent", "agent__service").order_by("added_at", "id")
    context = {"form": form, "members": members}
    return _render(request, dossier, ab, "team", "calls/dossier/team.html", context, status=status)


@workspace_view("POST")
def member_remove(request, dossier, ab, member_id):
    member = get_object_or_404(dossier.members.select_related("agent"), pk=id_or_404(member_id))
    try:
        services.member_remove(actor=request.user, member=member)
    except Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(agent)s ne fait plus partie du dossier.") % {"agent": member.agent.display_name},
        )
    return redirect(_url("calls:team", dossier))


# --- partners ---------------------------------------------------------------------------------


def _partner_kinds(dossier):
    return [kind for kind in dossier.call.piece_kinds.all() if kind.per_partner]


def _partner_rows(dossier, ab):
    kinds = _partner_kinds(dossier)
    pieces = {}
    for piece in dossier.pieces.filter(partner__isnull=False, request=None).select_related("kind"):
        pieces[(piece.kind_id, piece.partner_id)] = piece
    rows = []
    for partner in dossier.partners.select_related("ministry"):
        acts = [
            {
                "kind": kind,
                "piece": pieces.get((kind.pk, partner.pk)),
                "form": ab.can_upload,
            }
            for kind in kinds
        ]
        rows.append({"partner": partner, "acts": acts})
    return rows


def _partner_save(request, dossier, ab, partner):
    """``(form, status)``, or ``(redirect, None)`` once saved."""
    form = PartnerForm(request.POST or None, instance=partner)
    if not ab.can_edit:
        read_only(form)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.partner_save(
                    actor=request.user, dossier=dossier, partner=partner, **form.cleaned_data
                )
            except CallError as error:
                status = _refused(request, error)
            else:
                messages.success(request, _("Le partenaire est enregistré."))
                return redirect(_url("calls:partners", dossier)), None
        else:
            status = 400
    return form, status


@workspace_view("GET", "POST")
def partners(request, dossier, ab):
    """The partners (§7.3), a form to add one, and each one's commitment act."""
    form, status = _partner_save(request, dossier, ab, None)
    if isinstance(form, HttpResponse):
        return form
    context = {
        "form": form,
        "rows": _partner_rows(dossier, ab),
        "kinds": _partner_kinds(dossier),
        "pieces_url": _url("calls:pieces", dossier),
    }
    return _render(
        request, dossier, ab, "partners", "calls/dossier/partners.html", context, status=status
    )


@workspace_view("GET", "POST")
def partner_edit(request, dossier, ab, partner_id):
    partner = get_object_or_404(dossier.partners, pk=id_or_404(partner_id))
    form, status = _partner_save(request, dossier, ab, partner)
    if isinstance(form, HttpResponse):
        return form
    context = {"form": form, "partner": partner}
    return _render(
        request, dossier, ab, "partners", "calls/dossier/partner_form.html", context, status=status
    )


@workspace_view("POST")
def partner_delete(request, dossier, ab, partner_id):
    partner = get_object_or_404(dossier.partners, pk=id_or_404(partner_id))
    try:
        services.partner_delete(actor=request.user, partner=partner)
    except Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Le partenaire « %(name)s » est supprimé.") % {"name": partner.name}
        )
    return redirect(_url("calls:partners", dossier))


# --- financing --------------------------------------------------------------------------------


@workspace_view("GET", "POST")
def financing(request, dossier, ab):
    """The co-financing table and the cost breakdown (R45, R46) as inputs in k€, saved by
    ``services.financing_set``; then the plan's totals, share, balance and issues, and the
    derogation's justification when the share passes the call's threshold."""
    status = 200
    errors = {}
    posted = None
    multi_year = dossier.call.multi_year_plan
    years = plan_years(dossier) if multi_year else None
    if request.method == "POST":
        lines, errors = financing_lines(request.POST, years=years)
        if errors:
            status = 400
            messages.error(
                request, _("Certains montants ne sont pas valides : rien n'est enregistré.")
            )
            posted = request.POST
        else:
            try:
                services.financing_set(actor=request.user, dossier=dossier, lines=lines)
                if "derogation_justification" in request.POST:
                    services.dossier_update(
                        actor=request.user,
                        dossier=dossier,
                        part="financing",
                        derogation_justification=request.POST["derogation_justification"][:5000],
                    )
            except CallError as error:
                status = _refused(request, error)
                posted = request.POST
                dossier.refresh_from_db()
            else:
                messages.success(request, _("Le plan de financement est enregistré."))
                return redirect(request.path)
    resources, costs = financing_rows(dossier, post=posted)
    for rows in (resources, costs):
        for row in rows:
            name = row["name"]
            row["error"] = errors.get(f"{name}-amount") or errors.get(f"{name}-eligible")
            row["year_error"] = errors.get(f"{name}-year")
            row["consumed_error"] = errors.get(f"{name}-consumed")
    state = Status(dossier)
    plan = state.plan
    call = dossier.call
    above = (
        plan.total_resources > 0 and plan.pia * 100 > plan.total_resources * call.derogation_share
    )
    context = {
        "resources": resources,
        "costs": costs,
        "eligible_choices": FinancingLine.Eligible.choices,
        "multi_year": multi_year,
        "plan_years": years,
        "plan": plan,
        "share": share_text(plan.share),
        "above_threshold": above,
        "derogation": (posted or {}).get(
            "derogation_justification", dossier.derogation_justification
        ),
    }
    return _render(
        request,
        dossier,
        ab,
        "financing",
        "calls/dossier/financing.html",
        context,
        status=status,
        state=state,
    )


# --- pieces -----------------------------------------------------------------------------------


def _kind_rows(dossier, ab):
    wave = dossier.wave
    show_originals = ab.is_manager and dossier.state != S.DRAFT
    due = deadlines.originals_due(wave) if show_originals else None
    by_kind = {}
    for piece in dossier.pieces.select_related("kind", "partner"):
        by_kind.setdefault(piece.kind_id, []).append(piece)
    rows = []
    team_upload = ab.can_upload and (ab.is_team or ab.role != M.PARTNER)
    for kind in dossier.call.piece_kinds.all():
        pieces = []
        for piece in by_kind.get(kind.pk, []):
            pieces.append(
                {
                    "piece": piece,
                    "size": files.size_label(piece.size),
                    "warning": files.limit_warning(kind, piece.pages),
                    "pages_unknown": piece.pages is None,
                    "late": show_originals and deadlines.originals_late(piece, wave),
                    "needs_originals": show_originals
                    and piece.signature == Dossier.Signature.SCANNED,
                    "originals_form": OriginalsForm(prefix=f"p{piece.pk}")
                    if show_originals
                    and piece.signature == Dossier.Signature.SCANNED
                    and piece.originals_received_on is None
                    else None,
                    "download_url": _url("calls:piece", dossier, piece.pk),
                    "delete_url": _url("calls:piece_delete", dossier, piece.pk),
                    "originals_url": _url("calls:originals", dossier, piece.pk),
                }
            )
        may_upload = ab.can_upload and (team_upload or kind.per_partner)
        rows.append(
            {
                "kind": kind,
                "pieces": pieces,
                "form": may_upload,
                "partners": list(dossier.partners.all()) if kind.per_partner else [],
            }
        )
    return rows, due


@workspace_view("GET", "POST")
def pieces(request, dossier, ab):
    """GET: every piece kind of the call with its state and an upload form; POST: upload one
    (``kind``, ``file``, ``partner`` for a per-partner kind, ``signature`` for a signed one)
    through ``services.piece_upload``, then back to ``next`` with the French message."""
    if request.method == "POST":
        back = safe_next(request, _url("calls:pieces", dossier))
        kind = get_object_or_404(dossier.call.piece_kinds, pk=id_or_404(request.POST.get("kind")))
        partner = None
        if kind.per_partner and request.POST.get("partner"):
            partner = get_object_or_404(dossier.partners, pk=id_or_404(request.POST["partner"]))
        form = PieceForm(request.POST, request.FILES, kind=kind)
        if not form.is_valid():
            for field_errors in form.errors.values():
                for error in field_errors:
                    messages.error(request, error)
            return redirect(back)
        if kind.per_partner and partner is None:
            messages.error(request, _("Choisissez le partenaire."))
            return redirect(back)
        try:
            piece, warning = services.piece_upload(
                actor=request.user,
                dossier=dossier,
                kind=kind,
                upload=form.cleaned_data["file"],
                partner=partner,
                signature=form.cleaned_data.get("signature", ""),
            )
        except CallError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("« %(name)s » est déposé.") % {"name": piece.name})
            if warning:
                messages.warning(request, warning)
        return redirect(back)
    rows, due = _kind_rows(dossier, ab)
    stored = services.stored_bytes(dossier)
    context = {
        "rows": rows,
        "stored": files.size_label(stored),
        "limit": files.size_label(dossier.call.max_dossier_bytes),
        "over": stored > dossier.call.max_dossier_bytes,
        "formats": ", ".join(files.accepted_formats(dossier.call)),
        "originals_due": due,
        "pages_unknown": files.PAGES_UNKNOWN,
    }
    return _render(request, dossier, ab, "pieces", "calls/dossier/pieces.html", context)


def _piece(dossier, piece_id):
    return get_object_or_404(
        dossier.pieces.select_related("kind", "partner"), pk=id_or_404(piece_id)
    )


@workspace_view("GET")
def piece_download(request, dossier, ab, piece_id):
    """A piece, for whoever reads the dossier (checked by ``dossier_for``)."""
    piece = _piece(dossier, piece_id)
    return protected_download(piece.file, name=piece.name, content_type=piece.content_type)


@workspace_view("POST")
def piece_delete(request, dossier, ab, piece_id):
    piece = _piece(dossier, piece_id)
    try:
        services.piece_delete(actor=request.user, piece=piece)
    except Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("« %(name)s » est supprimé.") % {"name": piece.name})
    return redirect(safe_next(request, _url("calls:pieces", dossier)))


@workspace_view("POST")
def originals(request, dossier, ab, piece_id):
    """The call's managers record the paper originals of a scanned signature (R49)."""
    piece = _piece(dossier, piece_id)
    form = OriginalsForm(request.POST, prefix=f"p{piece.pk}")
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
    else:
        try:
            services.originals_received(
                actor=request.user, piece=piece, day=form.cleaned_data["day"]
            )
        except Refused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("La réception des originaux est enregistrée."))
    return redirect(_url("calls:pieces", dossier))


# --- deposit, withdrawal, export --------------------------------------------------------------


@workspace_view("POST")
def deposit(request, dossier, ab):
    """Deposit the dossier (``services.dossier_deposit``: the platform's clock in Paris and the
    completeness gate decide); a refusal is shown as the service words it."""
    try:
        services.dossier_deposit(actor=request.user, dossier=dossier)
    except Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Le dossier est déposé le %(when)s (heure de Paris).")
            % {"when": deadlines.french_datetime(dossier.deposited_at)},
        )
    return redirect(_url("calls:dossier", dossier))


@workspace_view("POST")
def withdraw(request, dossier, ab):
    """Withdraw the dossier, with a reason."""
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
    else:
        try:
            services.dossier_withdraw(
                actor=request.user, dossier=dossier, reason=form.cleaned_data["reason"]
            )
        except Refused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Le dossier est retiré."))
    return redirect(_url("calls:dossier", dossier))


@workspace_view("GET")
def export(request, dossier, ab):
    """The dossier as a zip (every piece and ``synthese.pdf``), for its team and managers."""
    if not ab.can_export:
        raise Http404
    name = documents._safe_name(dossier.acronym or f"dossier-{dossier.pk}")
    response = HttpResponse(documents.export_zip(dossier), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


__all__ = [
    "application_act",
    "application_act_pdf",
    "deposit",
    "export",
    "financing",
    "member_remove",
    "originals",
    "overview",
    "partner_delete",
    "partner_edit",
    "partners",
    "piece_delete",
    "piece_download",
    "pieces",
    "presentation",
    "sponsor",
    "synthesis",
    "team",
    "withdraw",
]
