"""A dossier's evaluation and decision (R51-R54): the managers' screening and the experts they
assign (an expert of the team's, the sponsor's or a partner's organisation is refused), each
expert's scores and opinion with their weighted mean, the information requests and the team's
answers with their scoped upload (R48), the expert committee's reasoned opinion, the steering
committee's decision (the share of the total cost the aid represents, its derogation), the
community of a selected project and a promising project's consent to the innovators' registry.

One page (``evaluation``) shows each viewer the forms of what they may do
(``calls.permissions.DossierAbilities``); each form posts to its own address, which calls the
service and comes back to the page: with a message after a success, with the form and its
French error (and the refusal's status) otherwise. The services decide; the page only hides
what the viewer may not do.
"""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from calls import services
from calls.financing import amount_text, plan_of
from calls.models import (
    TEXT_MAX,
    Dossier,
    DossierEvent,
    DossierMember,
    ExpertAssignment,
    InformationRequest,
    PieceKind,
)
from calls.permissions import FOLLOWED
from calls.views.common import dossier_for
from calls.workflow import AUDIT_ACTIONS, DOSSIER
from maillage.forms import DsfrForm
from maillage.http import Refused, status_of

S = Dossier.State
M = DossierMember.Role

# The decisions of the steering committee, in the form's order.
DECISIONS = (S.SELECTED, S.NOT_SELECTED, S.PROMISING, S.REFERRED)
# The states in which the page shows the decision.
DECIDED = DECISIONS
# The decision stays on the page while a laureate's convention, funding and follow-up go on.
AFTER_DECISION = (*DECIDED, *FOLLOWED)

# The audit trail's lines the workflow does not name.
EVENT_LABELS = {
    **AUDIT_ACTIONS,
    "dossier_created": _lazy("Dossier créé"),
    "member_added": _lazy("Membre ajouté à l'équipe"),
    "member_removed": _lazy("Membre retiré de l'équipe"),
    "originals_received": _lazy("Originaux papier reçus"),
    "expert_assigned": _lazy("Expert désigné"),
    "evaluation_submitted": _lazy("Évaluation d'un expert enregistrée"),
    "information_requested": _lazy("Demande de complément"),
    "information_answered": _lazy("Réponse à une demande de complément"),
    "complement_uploaded": _lazy("Complément joint à une demande"),
    "community_created": _lazy("Communauté du projet créée"),
    "registry_consent": _lazy("Inscription à l'annuaire des innovateurs"),
    "registry_withdrawn": _lazy("Retrait de l'annuaire des innovateurs"),
    "audition_scheduled": _lazy("Audition programmée"),
    "audition_recorded": _lazy("Compte rendu d'audition"),
}

ONE_DECIMAL = Decimal("0.1")


def _text(label, *, required=True, required_message=None, limit=TEXT_MAX, rows=5, **kwargs):
    """A text area, its limit and its « required » message in French."""
    error_messages = {
        "max_length": _lazy(
            "Ce texte est limité à %(limit_value)s caractères (vous en avez saisi "
            "%(show_value)s) : raccourcissez-le."
        )
    }
    if required_message:
        error_messages["required"] = required_message
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=error_messages,
        **kwargs,
    )


# --- forms --------------------------------------------------------------------------------------


class IneligibleForm(DsfrForm):
    reason = _text(
        _lazy("Motif de l'irrecevabilité"),
        required_message=_lazy("Indiquez le motif de l'irrecevabilité."),
        limit=5000,
        rows=3,
    )


class AssignForm(DsfrForm):
    email = forms.EmailField(
        label=_lazy("Adresse électronique de l'expert"),
        help_text=_lazy(
            "L'agent doit avoir un compte sur Maillage et être indépendant du projet : ni de "
            "l'équipe, ni de l'organisme du porteur ou d'un partenaire."
        ),
        error_messages={
            "required": _lazy("Indiquez l'adresse électronique de l'expert."),
            "invalid": _lazy("Cette adresse électronique n'est pas valide."),
        },
    )


class ScoreForm(DsfrForm):
    """A score on the call's scale and a comment for each scored criterion, and the opinion.
    A criterion left empty is the service's refusal (it names them all)."""

    def __init__(self, *args, criteria, scale, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        choices = [("", _("— Choisir une note —"))] + [(n, str(n)) for n in range(scale + 1)]
        for criterion in criteria:
            label = str(criterion)
            if criterion.parent_id:
                label = f"{criterion.parent} › {label}"
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("Note du critère %(criterion)s (de 0 à %(max)s)")
                % {"criterion": label, "max": scale},
                choices=choices,
                coerce=int,
                empty_value=None,
                help_text=_criterion_help(criterion),
                error_messages={
                    "required": _("Notez ce critère."),
                    "invalid_choice": _("Une note va de 0 à %(max)s.") % {"max": scale},
                },
            )
            self.fields[f"comment_{criterion.pk}"] = _text(
                _("Commentaire sur le critère %(code)s") % {"code": criterion.code},
                required=False,
                limit=5000,
                rows=3,
            )
        self.fields["opinion"] = _text(
            _("Votre avis sur le projet"), required_message=_("Rédigez votre avis."), rows=6
        )

    def rows(self):
        """``(criterion, score field, comment field)`` for the template."""
        return [
            (criterion, self[f"score_{criterion.pk}"], self[f"comment_{criterion.pk}"])
            for criterion in self.criteria
        ]

    def empty_criteria(self):
        """The criteria left without a score (after ``is_valid``)."""
        return [
            criterion
            for criterion in self.criteria
            if self.cleaned_data.get(f"score_{criterion.pk}") is None
        ]

    def scores(self):
        return {
            criterion.pk: (
                self.cleaned_data.get(f"score_{criterion.pk}"),
                self.cleaned_data.get(f"comment_{criterion.pk}", ""),
            )
            for criterion in self.criteria
        }


def _criterion_help(criterion):
    """The criterion's key questions and expected evidence, escaped (a help text is shown as
    HTML)."""
    parts = []
    if criterion.questions.strip():
        parts.append(
            format_html(
                "<strong>{}</strong> {}",
                _("Questions clés :"),
                linebreaksbr(criterion.questions.strip(), autoescape=True),
            )
        )
    if criterion.evidence.strip():
        parts.append(
            format_html(
                "<strong>{}</strong> {}",
                _("Éléments attendus :"),
                linebreaksbr(criterion.evidence.strip(), autoescape=True),
            )
        )
    if len(parts) == 2:
        return format_html("{}<br>{}", parts[0], parts[1])
    return parts[0] if parts else ""


class RequestForm(DsfrForm):
    text = _text(
        _lazy("Votre demande de complément d'information"),
        required_message=_lazy("Écrivez votre demande."),
        limit=5000,
        help_text=_lazy(
            "L'équipe du projet est prévenue ; elle répond et peut joindre des fichiers à sa "
            "réponse, le dossier restant figé par ailleurs."
        ),
    )


class AnswerForm(DsfrForm):
    response = _text(
        _lazy("Votre réponse"),
        required_message=_lazy("Écrivez votre réponse."),
        rows=6,
    )
    kind = forms.ModelChoiceField(
        label=_lazy("Nature des fichiers joints"),
        queryset=PieceKind.objects.none(),
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": _lazy("Cette pièce n'est pas demandée par l'appel.")},
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = PieceKind.objects.filter(call=call)
        self.fields["kind"].queryset = kinds
        annexes = kinds.filter(code="annexes").first()
        if annexes is not None:
            self.fields["kind"].initial = annexes.pk


class OpinionForm(DsfrForm):
    text = _text(
        _lazy("Avis motivé du comité d'experts"),
        required_message=_lazy("Rédigez l'avis motivé du comité d'experts."),
        rows=8,
    )


class DecideForm(DsfrForm):
    decision = forms.ChoiceField(
        label=_lazy("Décision du comité de pilotage"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _lazy("Choisissez la décision."),
            "invalid_choice": _lazy("Cette décision n'est pas possible pour ce dossier."),
        },
    )
    amount = forms.DecimalField(
        label=_lazy("Aide accordée (k€)"),
        help_text=_lazy("Pour un projet lauréat : le montant en milliers d'euros, par ex. 200."),
        required=False,
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        localize=True,
        error_messages={"invalid": _lazy("Indiquez un montant en k€, par exemple 200 ou 200,5.")},
    )
    conditions = _text(_lazy("Conditions de l'aide"), required=False, limit=5000, rows=3)
    derogation = _text(
        _lazy("Justification de la dérogation"),
        required=False,
        limit=5000,
        rows=3,
        help_text=_lazy("Requise quand l'aide dépasse la part du coût total fixée par l'appel."),
    )
    reason = _text(
        _lazy("Motivation de la décision"),
        required_message=_lazy("Motivez la décision."),
        limit=5000,
        rows=4,
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = choices


class ConsentForm(DsfrForm):
    consent = forms.BooleanField(
        label=_lazy("Figurer dans l'annuaire des innovateurs"),
        help_text=_lazy(
            "Le projet, son équipe et son porteur y sont présentés comme innovateurs ; vous "
            "pouvez retirer ce consentement à tout moment."
        ),
        required=False,
    )


# --- the page -----------------------------------------------------------------------------------


def _page_url(dossier):
    return reverse("calls:evaluation", args=[dossier.call.slug, dossier.pk])


def share_of(amount, plan):
    """The share of the plan's total cost ``amount`` represents, in %, one decimal (None when
    the plan has no cost)."""
    if amount is None or not plan.total_costs:
        return None
    return (amount * 100 / plan.total_costs).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def percent_text(value):
    return None if value is None else f"{value:f}".replace(".", ",") + " %"


def _decision_choices(dossier, actor):
    allowed = {move.target for move in DOSSIER.available(dossier, actor)}
    labels = {
        S.SELECTED: _("Lauréat : le projet est retenu"),
        S.NOT_SELECTED: _("Non retenu"),
        S.PROMISING: _("Non retenu, mais prometteur"),
        S.REFERRED: _("Soumis au Premier ministre"),
    }
    return [(target.value, labels[target]) for target in DECISIONS if target in allowed]


def _evaluations(dossier, abilities, actor):
    """The expert evaluations the viewer reads: every one for the managers and the committee,
    their own for an expert."""
    assignments = ExpertAssignment.objects.filter(dossier=dossier).select_related("expert")
    if not abilities.can_read_evaluations:
        if not abilities.is_expert:
            return []
        assignments = assignments.filter(expert=actor, submitted_at__isnull=False)
    rows = []
    for assignment in assignments.order_by("assigned_at", "pk"):
        scores = list(
            assignment.scores.select_related("criterion").order_by("criterion__order", "pk")
        )
        rows.append(
            {
                "assignment": assignment,
                "scores": scores,
                "mean": services.weighted_mean(assignment),
            }
        )
    return rows


def _score_form(dossier, actor, data=None):
    criteria = services.scored_criteria(dossier.call)
    initial = {}
    assignment = ExpertAssignment.objects.filter(dossier=dossier, expert=actor).first()
    if assignment is not None:
        for score in assignment.scores.all():
            initial[f"score_{score.criterion_id}"] = score.score
            initial[f"comment_{score.criterion_id}"] = score.comment
        initial["opinion"] = assignment.opinion
    return ScoreForm(
        data,
        criteria=criteria,
        scale=dossier.call.scale_max,
        initial=initial,
        prefix="score",
    )


def _decide_form(dossier, actor, plan, data=None):
    return DecideForm(
        data,
        choices=_decision_choices(dossier, actor),
        initial={"amount": plan.pia or None},
        prefix="decide",
    )


def _requests(dossier):
    return list(
        InformationRequest.objects.filter(dossier=dossier)
        .select_related("asked_by")
        .prefetch_related("pieces")
    )


def _decision_event(dossier):
    return (
        DossierEvent.objects.filter(dossier=dossier, target__in=[s.value for s in DECIDED])
        .order_by("-at", "-pk")
        .first()
    )


def _audition_context(dossier, actor):
    """The audition block of a call with an audition: shown to whoever may read it
    (``calls.audition.can_read_audition``), the notes to the managers, the committee and the
    assigned experts only."""
    from calls import audition as auditions
    from calls.deadlines import french_datetime

    if not dossier.call.audition or not auditions.can_read_audition(actor, dossier):
        return {"show_audition": False}
    audition = auditions.audition_of(dossier)
    return {
        "show_audition": True,
        "audition": audition,
        "audition_when": french_datetime(audition.scheduled_at) if audition else "",
        "audition_notes": auditions.can_read_audition_notes(actor, dossier),
    }


def _page(request, dossier, abilities, *, status=200, refusal=None, **bound):
    """The evaluation page; ``bound`` forms (with their errors) replace the empty ones, and a
    ``refusal`` no form can show is said at the top."""
    actor = request.user
    shown = {}
    if abilities.can_screen:
        shown["ineligible_form"] = bound.get("ineligible_form") or IneligibleForm(prefix="screen")
        shown["can_screen"] = True
    if abilities.can_assign_experts:
        shown["assign_form"] = bound.get("assign_form") or AssignForm(prefix="assign")
    if abilities.can_evaluate:
        shown["score_form"] = bound.get("score_form") or _score_form(dossier, actor)
    if abilities.can_request_information:
        shown["request_form"] = bound.get("request_form") or RequestForm(prefix="request")
    if abilities.can_shortlist:
        shown["can_shortlist"] = True
    if abilities.can_record_opinion:
        shown["opinion_form"] = bound.get("opinion_form") or OpinionForm(prefix="opinion")
    plan = plan_of(dossier)
    if abilities.can_decide:
        shown["decide_form"] = bound.get("decide_form") or _decide_form(dossier, actor, plan)
    may_consent = abilities.role in (M.SPONSOR, M.LEAD) and dossier.state == S.PROMISING
    if may_consent:
        shown["consent_form"] = bound.get("consent_form") or ConsentForm(
            initial={"consent": dossier.registry_consent}, prefix="consent"
        )
    evaluators = abilities.can_read_evaluations
    if refusal and not any(form in shown for form in bound):
        # The form the refusal belongs to is not on this page (the viewer may not use it).
        messages.error(request, refusal)
    requests = _requests(dossier)
    context = {
        "title": _("Évaluation du dossier « %(dossier)s »") % {"dossier": dossier},
        "call": dossier.call,
        "dossier": dossier,
        "abilities": abilities,
        "is_evaluator": evaluators,
        "is_expert": abilities.is_expert,
        "is_team": abilities.is_team,
        "evaluations": _evaluations(dossier, abilities, actor),
        "assignments_count": dossier.assignments.count(),
        "requests": requests,
        "open_requests": [req for req in requests if req.is_open],
        "can_answer": abilities.can_complete,
        "can_create_community": abilities.can_create_community,
        "plan": plan,
        "total_text": amount_text(plan.total_costs),
        "requested_text": amount_text(plan.pia),
        "requested_share": percent_text(share_of(plan.pia, plan)),
        "derogation_share": dossier.call.derogation_share,
        "show_decision": dossier.state in AFTER_DECISION,
        "laureate": dossier.state in FOLLOWED,
        "decision_event": _decision_event(dossier) if dossier.state in AFTER_DECISION else None,
        "granted_text": (
            amount_text(dossier.granted_amount) if dossier.granted_amount is not None else None
        ),
        "granted_share": percent_text(share_of(dossier.granted_amount, plan)),
        **_audition_context(dossier, actor),
        "events": (
            list(dossier.events.select_related("actor").order_by("at", "pk")) if evaluators else []
        ),
        **shown,
    }
    for event in context["events"]:
        event.label = EVENT_LABELS.get(event.action, event.action)
    return render(request, "calls/evaluation/evaluation.html", context, status=status)


def _reload(dossier):
    """The dossier as stored (a refused move may have left the object half changed)."""
    dossier.refresh_from_db()
    return dossier


def _done(request, dossier, message):
    messages.success(request, message)
    return redirect(_page_url(dossier))


def _refused(request, dossier, abilities, name, form, error, field=None):
    """The page again, the refusal on its form (and its status)."""
    message = str(error)
    form.add_error(field, message)
    return _page(
        request,
        _reload(dossier),
        abilities,
        status=status_of(error),
        refusal=message,
        **{name: form},
    )


def _invalid(request, dossier, abilities, name, form):
    return _page(request, dossier, abilities, status=400, **{name: form})


# --- the views ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def evaluation(request, slug, dossier_id):
    dossier, abilities = dossier_for(request, slug, dossier_id)
    return _page(request, dossier, abilities)


@login_required
@require_http_methods(["POST"])
def screen(request, slug, dossier_id):
    """The managers' screening: ``decision`` « evaluation » sends the dossier to the experts,
    « ineligible » declares it so, with its reason."""
    dossier, abilities = dossier_for(request, slug, dossier_id)
    decision = request.POST.get("decision")
    form = IneligibleForm(request.POST, prefix="screen")
    if decision == "evaluation":
        form = IneligibleForm(prefix="screen")
        try:
            services.dossier_screen(actor=request.user, dossier=dossier, eligible=True)
        except Refused as error:
            return _refused(request, dossier, abilities, "ineligible_form", form, error)
        return _done(request, dossier, _("Le dossier est transmis aux experts."))
    if decision != "ineligible":
        form.add_error(None, _("Choisissez : transmettre aux experts ou déclarer irrecevable."))
        return _invalid(request, dossier, abilities, "ineligible_form", form)
    if not form.is_valid():
        return _invalid(request, dossier, abilities, "ineligible_form", form)
    try:
        services.dossier_screen(
            actor=request.user,
            dossier=dossier,
            eligible=False,
            reason=form.cleaned_data["reason"],
        )
    except Refused as error:
        return _refused(request, dossier, abilities, "ineligible_form", form, error)
    return _done(request, dossier, _("Le dossier est déclaré irrecevable."))


@login_required
@require_http_methods(["POST"])
def assign(request, slug, dossier_id):
    """Assign an expert, chosen by their e-mail address (a conflict of interest is refused
    with its reason)."""
    dossier, abilities = dossier_for(request, slug, dossier_id)
    form = AssignForm(request.POST, prefix="assign")
    if not form.is_valid():
        return _invalid(request, dossier, abilities, "assign_form", form)
    email = form.cleaned_data["email"]
    expert = get_user_model().objects.filter(email__iexact=email).first()
    if expert is None:
        form.add_error("email", _("Aucun agent n'a l'adresse « %(email)s ».") % {"email": email})
        return _invalid(request, dossier, abilities, "assign_form", form)
    try:
        services.expert_assign(actor=request.user, dossier=dossier, expert=expert)
    except Refused as error:
        return _refused(request, dossier, abilities, "assign_form", form, error, "email")
    return _done(
        request,
        dossier,
        _("%(agent)s est désigné comme expert du dossier.") % {"agent": expert.display_name},
    )


@login_required
@require_http_methods(["POST"])
def score(request, slug, dossier_id):
    """An assigned expert's evaluation: a score and a comment per criterion, an opinion."""
    dossier, abilities = dossier_for(request, slug, dossier_id)
    form = _score_form(dossier, request.user, data=request.POST)
    if not form.is_valid():
        empty = form.empty_criteria()
        if empty:
            # No criterion may stay empty: the list of those left so, as the service says it.
            form.add_error(
                None,
                _("Notez chaque critère : %(criteria)s.")
                % {"criteria": ", ".join(str(criterion) for criterion in empty)},
            )
        return _invalid(request, dossier, abilities, "score_form", form)
    try:
        services.evaluation_submit(
            actor=request.user,
            dossier=dossier,
            scores=form.scores(),
            opinion=form.cleaned_data["opinion"],
        )
    except Refused as error:
        return _refused(request, dossier, abilities, "score_form", form, error)
    return _done(request, dossier, _("Votre évaluation est enregistrée."))


@login_required
@require_http_methods(["POST"])
def request_new(request, slug, dossier_id):
    """An assigned expert asks the team for complementary information."""
    dossier, abilities = dossier_for(request, slug, dossier_id)
    form = RequestForm(request.POST, prefix="request")
    if not form.is_valid():
        return _invalid(request, dossier, abilities, "request_form", form)
    try:
        services.information_request(
            actor=request.user, dossier=dossier, text=form.cleaned_data["text"]
        )
    except Refused as error:
        return _refused(request, dossier, abilities, "request_form", form, error)
    return _done(request, dossier, _("Votre demande est envoyée à l'équipe du projet."))


def _request_page(request, dossier, abilities, info_request, *, form=None, status=200):
    can_answer = abilities.can_complete and info_request.is_open
    if can_answer and form is None:
        form = AnswerForm(call=dossier.call, prefix="answer")
    context = {
        "title": _("Demande de complément sur le dossier « %(dossier)s »") % {"dossier": dossier},
        "call": dossier.call,
        "dossier": dossier,
        "info_request": info_request,
        "pieces": list(info_request.pieces.select_related("kind")),
        "show_author": abilities.can_read_evaluations or abilities.is_expert,
        "answer_form": form if can_answer else None,
        "form_errors": form if (form is not None and not can_answer) else None,
    }
    return render(request, "calls/evaluation/request.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def request_detail(request, slug, dossier_id, request_id):
    """An information request: its text, the answer and the files attached to it; for the
    team while it is open, the answer form and its upload scoped to the request."""
    dossier, abilities = dossier_for(request, slug, dossier_id)
    info_request = get_object_or_404(InformationRequest, pk=request_id, dossier=dossier)
    if request.method != "POST":
        return _request_page(request, dossier, abilities, info_request)
    form = AnswerForm(request.POST, call=dossier.call, prefix="answer")
    uploads = request.FILES.getlist("answer-files")
    if not form.is_valid():
        return _request_page(request, dossier, abilities, info_request, form=form, status=400)
    kinds = form.fields["kind"].queryset
    kind = form.cleaned_data.get("kind") or kinds.filter(code="annexes").first() or kinds.first()
    if uploads and kind is None:
        form.add_error(
            None, _("Cet appel ne demande aucune pièce : aucun fichier ne peut être joint.")
        )
        return _request_page(request, dossier, abilities, info_request, form=form, status=400)
    created, warnings = [], []
    try:
        with transaction.atomic():
            for upload in uploads:
                piece, warning = services.piece_upload(
                    actor=request.user,
                    dossier=dossier,
                    kind=kind,
                    upload=upload,
                    request=info_request,
                )
                created.append(piece)
                if warning:
                    warnings.append(str(warning))
            services.request_answer(
                actor=request.user, request=info_request, response=form.cleaned_data["response"]
            )
    except Refused as error:
        for piece in created:
            # The rows are rolled back; their files were already stored.
            piece.file.delete(save=False)
        info_request.refresh_from_db()
        form.add_error(None, str(error))
        if not (abilities.can_complete and info_request.is_open):
            messages.error(request, str(error))
        return _request_page(
            request, dossier, abilities, info_request, form=form, status=status_of(error)
        )
    for warning in warnings:
        messages.warning(request, warning)
    messages.success(
        request,
        _("Votre réponse est envoyée (%(count)s fichier(s) joint(s)).") % {"count": len(created)},
    )
    return redirect(_page_url(dossier))


@login_required
@require_http_methods(["POST"])
def opinion(request, slug, dossier_id):
    """The expert committee's reasoned opinion, written up by the managers."""
    dossier, abilities = dossier_for(request, slug, dossier_id)
    form = OpinionForm(request.POST, prefix="opinion")
    if not form.is_valid():
        return _invalid(request, dossier, abilities, "opinion_form", form)
    try:
        services.opinion_record(actor=request.user, dossier=dossier, text=form.cleaned_data["text"])
    except Refused as error:
        return _refused(request, dossier, abilities, "opinion_form", form, error)
    return _done(request, dossier, _("L'avis motivé est enregistré."))


@login_required
@require_http_methods(["POST"])
def decide(request, slug, dossier_id):
    """The steering committee's decision: selected with an amount (its derogation justified
    above the call's share), not selected, promising, referred to the Prime Minister."""
    dossier, abilities = dossier_for(request, slug, dossier_id)
    plan = plan_of(dossier)
    form = _decide_form(dossier, request.user, plan, data=request.POST)
    if not abilities.can_decide:
        # The form's choices are empty for whoever may not decide: the service says why.
        form.fields["decision"].choices = [(value.value, value.label) for value in DECISIONS]
    if not form.is_valid():
        return _invalid(request, dossier, abilities, "decide_form", form)
    data = form.cleaned_data
    if data["decision"] == S.SELECTED and data.get("amount") is None:
        form.add_error("amount", _("Indiquez l'aide accordée."))
        return _invalid(request, dossier, abilities, "decide_form", form)
    selected = data["decision"] == S.SELECTED
    try:
        services.dossier_decide(
            actor=request.user,
            dossier=dossier,
            decision=data["decision"],
            reason=data["reason"],
            amount=data.get("amount") if selected else None,
            conditions=data.get("conditions", "") if selected else "",
            derogation=data.get("derogation", "") if selected else "",
        )
    except Refused as error:
        return _refused(request, dossier, abilities, "decide_form", form, error)
    return _done(
        request,
        dossier,
        _("La décision est enregistrée : %(state)s.") % {"state": dossier.get_state_display()},
    )


@login_required
@require_http_methods(["POST"])
def community(request, slug, dossier_id):
    """« Créer la communauté » of a selected project."""
    dossier, abilities = dossier_for(request, slug, dossier_id)
    try:
        created = services.community_from_dossier(actor=request.user, dossier=dossier)
    except Refused as error:
        messages.error(request, str(error))
        return _page(request, _reload(dossier), abilities, status=status_of(error))
    return _done(
        request,
        dossier,
        _("La communauté « %(name)s » est créée ; l'équipe du projet y est invitée.")
        % {"name": created.name},
    )


@login_required
@require_http_methods(["POST"])
def consent(request, slug, dossier_id):
    """A promising project's sponsor or lead chooses to be listed in the innovators'
    registry (or withdraws)."""
    dossier, abilities = dossier_for(request, slug, dossier_id)
    form = ConsentForm(request.POST, prefix="consent")
    form.is_valid()
    given = bool(form.cleaned_data.get("consent"))
    try:
        services.registry_consent(actor=request.user, dossier=dossier, consent=given)
    except Refused as error:
        return _refused(request, dossier, abilities, "consent_form", form, error)
    return _done(
        request,
        dossier,
        _("Le projet figure dans l'annuaire des innovateurs.")
        if given
        else _("Le projet ne figure plus dans l'annuaire des innovateurs."),
    )
