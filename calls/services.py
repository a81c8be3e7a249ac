"""What changes the calls for projects: keyword-only services that ask the policy
(``calls.permissions``), write in one transaction and refuse with a French message
(``CallError``).

The deposit (``dossier_deposit``) is decided by the platform's clock in Europe/Paris and the
completeness gate; after it the dossier is frozen, and only an expert's information request opens
an upload scoped to it (``request_answer``). The decision (``dossier_decide``) records the amount
and its derogation before its move. A selected dossier creates its community through the
communities' own entry point (``community_from_dossier``), with the right the calls registered
there.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from calls import deadlines, eligibility, files
from calls.models import (
    CallRole,
    Dossier,
    DossierEvent,
    DossierMember,
    ExpertAssignment,
    FinancingLine,
    InformationRequest,
    Partner,
    Piece,
    Question,
    Score,
)
from calls.permissions import call_abilities, dossier_abilities
from calls.workflow import DOSSIER
from directory.roles import principal
from maillage import policy
from maillage.http import Refused

S = Dossier.State
M = DossierMember.Role


class CallError(Refused):
    """A refusal of the calls for projects, with its French message."""


# The longest question and answer (Django does not check a TextField's max_length itself).
QUESTION_MAX = 3000
ANSWER_MAX = 10_000


def _limited(text, limit, empty_message):
    """``text`` stripped, refused in French when empty or longer than ``limit``."""
    text = (text or "").strip()
    _check(text, empty_message, "invalid")
    _check(
        len(text) <= limit,
        _("Ce texte est limité à %(limit)s caractères (vous en avez saisi %(count)s).")
        % {"limit": f"{limit:,}".replace(",", "\u202f"), "count": len(text)},
        "invalid",
    )
    return text


def _check(allowed, message, code="forbidden"):
    if not allowed:
        raise CallError(message, code)


def _event(dossier, actor, action, comment=""):
    DossierEvent.objects.create(dossier=dossier, actor=actor, action=action, comment=comment)


def _touch(dossier):
    dossier.updated_at = timezone.now()
    Dossier.objects.filter(pk=dossier.pk).update(updated_at=dossier.updated_at)


def _clean(obj, exclude=None):
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        messages = [message for values in error.message_dict.values() for message in values]
        raise CallError(" ".join(messages), "invalid") from None


# --- the call ---------------------------------------------------------------------------------


def call_publish(*, actor, call):
    _check(call_abilities(actor, call).can_manage, _("Seuls les gestionnaires publient l'appel."))
    _check(call.waves.exists(), _("Ajoutez au moins une vague avant de publier."), "invalid")
    from calls.configuration import shares_total, shares_warning

    _check(shares_total(call) == 100, shares_warning(call), "invalid")
    if call.published_at is None:
        call.published_at = timezone.now()
        call.save(update_fields=["published_at"])
    return call


def role_grant(*, actor, call, agent, role):
    """Give ``agent`` a role on the call (the managers do)."""
    _check(call_abilities(actor, call).can_manage, _("Seuls les gestionnaires donnent les rôles."))
    _check(role in CallRole.Role.values, _("Ce rôle n'existe pas."), "invalid")
    _check(not agent.is_closed and agent.is_active, _("Ce compte n'est pas actif."), "invalid")
    _check(
        not principal(agent).is_external or role == CallRole.Role.EXPERT,
        _("Un partenaire externe ne peut être qu'expert."),
        "invalid",
    )
    grant, _created = CallRole.objects.get_or_create(
        call=call, agent=agent, role=role, defaults={"granted_by": actor}
    )
    policy.forget(("calls:roles", agent.pk, call.pk))
    return grant


def role_revoke(*, actor, grant):
    _check(
        call_abilities(actor, grant.call).can_manage,
        _("Seuls les gestionnaires retirent les rôles."),
    )
    grant.delete()
    policy.forget(("calls:roles", grant.agent_id, grant.call_id))


def question_ask(*, actor, call, text):
    _check(call_abilities(actor, call).can_ask, _("Vous ne pouvez pas poser de question ici."))
    text = _limited(text, QUESTION_MAX, _("Écrivez votre question."))
    question = Question(call=call, text=text, asked_by=actor)
    _clean(question)
    question.save()
    return question


def question_answer(*, actor, question, answer):
    """The answer is published to every applicant of the call (R50)."""
    _check(
        call_abilities(actor, question.call).can_answer,
        _("Seuls les gestionnaires de l'appel répondent."),
    )
    answer = _limited(answer, ANSWER_MAX, _("Écrivez la réponse."))
    question.answer = answer
    question.answered_by = actor
    question.answered_at = timezone.now()
    _clean(question)
    question.save()
    return question


# --- the dossier: preparation -------------------------------------------------------------------


def open_wave(call, now=None):
    """The first wave of ``call`` whose deposit is still open, or None."""
    now = now or timezone.now()
    return call.waves.filter(deadline__gte=now).order_by("deadline").first()


def dossier_create(*, actor, call, title, region, operational_service=None, now=None):
    """A new draft on the call's open wave: ``actor`` is its operational lead."""
    _check(
        call_abilities(actor, call).can_apply(now),
        _("Cet appel n'accepte pas de nouveau dossier."),
    )
    wave = open_wave(call, now)
    _check(wave is not None, _("Aucune vague de cet appel n'est ouverte."), "invalid")
    title = (title or "").strip()
    _check(title, _("Donnez un titre au projet."), "invalid")
    with transaction.atomic():
        dossier = Dossier(
            call=call,
            wave=wave,
            title=title,
            region=region,
            operational_service=operational_service or actor.service,
            created_by=actor,
        )
        _clean(dossier)
        dossier.save()
        DossierMember.objects.create(dossier=dossier, agent=actor, role=M.LEAD)
        _event(dossier, actor, "dossier_created")
    return dossier


# The fields each part of the workspace writes.
EDITABLE = {
    "sponsor": [
        "sponsor_name",
        "sponsor_acronym",
        "sponsor_address",
        "sponsor_mail_address",
        "sponsor_phone",
        "sponsor_email",
        "sponsor_website",
        "sponsor_legal_status",
        "contact_civility",
        "contact_name",
        "contact_function",
        "contact_phone",
        "contact_fax",
        "contact_email",
    ],
    "synthesis": [
        "title",
        "acronym",
        "main_theme",
        "secondary_theme",
        "summary",
        "region",
        "operational_service",
        "community_kind",
    ],
    "presentation": ["presentation", "free_software", "support_needs"],
    "act": [
        "signatory_name",
        "signatory_title",
        "signatory_is_legal_representative",
        "signed_on",
    ],
    "financing": ["derogation_justification"],
}


def dossier_update(*, actor, dossier, part, **fields):
    """Write one part of the draft (``EDITABLE``); unknown fields are refused."""
    _check(dossier_abilities(actor, dossier).can_edit, _frozen_message(dossier))
    allowed = EDITABLE.get(part)
    _check(allowed is not None, _("Cette partie du dossier n'existe pas."), "invalid")
    unknown = set(fields) - set(allowed) - {"community_themes"}
    _check(not unknown, _("Ces champs ne font pas partie de cette page."), "invalid")
    themes = fields.pop("community_themes", None)
    for name, value in fields.items():
        setattr(dossier, name, value.strip() if isinstance(value, str) else value)
    for theme in (dossier.main_theme, dossier.secondary_theme):
        _check(
            theme is None or theme.call_id == dossier.call_id,
            _("Cette thématique n'est pas celle de l'appel."),
            "invalid",
        )
    _check(
        dossier.secondary_theme_id is None or dossier.secondary_theme_id != dossier.main_theme_id,
        _("La thématique secondaire doit différer de la principale."),
        "invalid",
    )
    with transaction.atomic():
        dossier.updated_at = timezone.now()
        _clean(dossier)
        dossier.save()
        if themes is not None:
            dossier.community_themes.set(themes)
    return dossier


def _frozen_message(dossier):
    if dossier.state != S.DRAFT:
        return _("Le dossier est déposé : il ne peut plus être modifié.")
    return _("Seule l'équipe du projet modifie le dossier.")


def member_add(*, actor, dossier, agent, role):
    """Add an agent to the dossier: the préfet sponsor, a team member, a partner's
    representative (an external partner may only be the last)."""
    _check(
        dossier_abilities(actor, dossier).can_manage_team,
        _("Seuls le porteur de projet et le porteur opérationnel composent l'équipe."),
    )
    _check(role in (M.SPONSOR, M.TEAM, M.PARTNER), _("Ce rôle n'existe pas."), "invalid")
    _check(agent.is_active and not agent.is_closed, _("Ce compte n'est pas actif."), "invalid")
    _check(
        not principal(agent).is_external or role == M.PARTNER,
        _("Un partenaire externe ne peut être que représentant d'un partenaire."),
        "invalid",
    )
    _check(
        not DossierMember.objects.filter(dossier=dossier, agent=agent).exists(),
        _("%(agent)s fait déjà partie du dossier.") % {"agent": agent.display_name},
        "invalid",
    )
    if role == M.SPONSOR:
        _check(
            not dossier.members.filter(role=M.SPONSOR).exists(),
            _("Le dossier a déjà son porteur de projet."),
            "invalid",
        )
    with transaction.atomic():
        member = DossierMember.objects.create(dossier=dossier, agent=agent, role=role)
        _event(dossier, actor, "member_added", agent.display_name)
        _touch(dossier)
    policy.forget(("calls:member", agent.pk, dossier.pk))
    return member


def member_remove(*, actor, member):
    dossier = member.dossier
    _check(
        dossier_abilities(actor, dossier).can_manage_team,
        _("Seuls le porteur de projet et le porteur opérationnel composent l'équipe."),
    )
    _check(member.role != M.LEAD, _("Le porteur opérationnel reste dans l'équipe."), "invalid")
    with transaction.atomic():
        member.delete()
        _event(dossier, actor, "member_removed", member.agent.display_name)
        _touch(dossier)
    policy.forget(("calls:member", member.agent_id, dossier.pk))


PARTNER_FIELDS = [
    "name",
    "acronym",
    "nature",
    "service",
    "ministry",
    "contact_name",
    "contact_email",
    "role",
    "contribution_amount",
    "contribution_nature",
    "justification",
]


def partner_save(*, actor, dossier, partner=None, **fields):
    """Create or change a partner record of the draft."""
    _check(dossier_abilities(actor, dossier).can_edit, _frozen_message(dossier))
    _check(not set(fields) - set(PARTNER_FIELDS), _("Champ inconnu."), "invalid")
    if partner is None:
        partner = Partner(dossier=dossier, order=dossier.partners.count())
    _check(
        partner.dossier_id == dossier.pk, _("Ce partenaire n'est pas de ce dossier."), "not_found"
    )
    for name, value in fields.items():
        setattr(partner, name, value.strip() if isinstance(value, str) else value)
    if partner.service_id and partner.ministry_id is None:
        partner.ministry_id = partner.service.ministry_id
    with transaction.atomic():
        _clean(partner)
        partner.save()
        _touch(dossier)
    return partner


def partner_delete(*, actor, partner):
    dossier = partner.dossier
    _check(dossier_abilities(actor, dossier).can_edit, _frozen_message(dossier))
    with transaction.atomic():
        for piece in partner.pieces.all():
            piece.file.delete(save=False)
        partner.delete()
        _touch(dossier)


def financing_set(*, actor, dossier, lines):
    """Replace the financing plan with ``lines``: dicts of ``FinancingLine`` fields."""
    from calls.financing import COSTS, RESOURCES

    _check(dossier_abilities(actor, dossier).can_edit, _frozen_message(dossier))
    codes = {FinancingLine.Side.RESOURCE: {c[0] for c in RESOURCES}}
    codes[FinancingLine.Side.COST] = {c[0] for c in COSTS}
    rows = []
    for line in lines:
        side = line.get("side")
        _check(side in codes, _("Ligne de financement invalide."), "invalid")
        _check(line.get("category") in codes[side], _("Rubrique inconnue."), "invalid")
        row = FinancingLine(dossier=dossier, **line)
        _clean(row, exclude=["dossier"])
        rows.append(row)
    with transaction.atomic():
        dossier.financing.all().delete()
        FinancingLine.objects.bulk_create(rows)
        _touch(dossier)
    return rows


def stored_bytes(dossier):
    return dossier.pieces.aggregate(total=Sum("size"))["total"] or 0


def piece_upload(*, actor, dossier, kind, upload, partner=None, signature="", request=None):
    """Attach a piece: to the draft, or after the deposit to an open information request of an
    expert (the only way a frozen dossier gets a new piece, R48). Returns ``(piece, warning)``:
    the warning says a page limit is passed (a slide limit refuses the file)."""
    abilities = dossier_abilities(actor, dossier)
    if request is None:
        _check(abilities.can_upload, _frozen_message(dossier))
        if abilities.role == M.PARTNER and not abilities.is_team:
            _check(
                kind.per_partner,
                _("Un partenaire dépose seulement son acte d'engagement."),
            )
    else:
        _check(
            request.dossier_id == dossier.pk and request.is_open and abilities.can_complete,
            _("Cette demande de complément n'est pas ouverte."),
        )
    _check(kind.call_id == dossier.call_id, _("Cette pièce n'est pas demandée."), "not_found")
    _check(
        partner is None or partner.dossier_id == dossier.pk,
        _("Ce partenaire n'est pas de ce dossier."),
        "not_found",
    )
    _check(
        not kind.per_partner or partner is not None or request is not None,
        _("Indiquez le partenaire de cet acte d'engagement."),
        "invalid",
    )
    _check(
        signature in ("", *Dossier.Signature.values),
        _("Type de signature inconnu."),
        "invalid",
    )
    _check(
        not kind.signed or signature or request is not None,
        _("Indiquez comment cette pièce est signée."),
        "invalid",
    )
    # What a new upload replaces (one piece per kind, or per kind and partner; the annexes and
    # a request's complements add up) does not count against the dossier's size limit.
    replaced = Piece.objects.none()
    if request is None and kind.code != "annexes":
        replaced = dossier.pieces.filter(kind=kind, request=None, partner=partner)
    stored = stored_bytes(dossier) - (replaced.aggregate(total=Sum("size"))["total"] or 0)
    try:
        checked = files.check_piece(
            upload, call=dossier.call, dossier_bytes=stored, piece_kind=kind
        )
    except ValidationError as error:
        raise CallError(" ".join(error.messages), "invalid") from None
    with transaction.atomic():
        for old in list(replaced):
            old.delete()
            # The replaced file goes once the new piece is committed: never a piece without
            # its file.
            transaction.on_commit(lambda file=old.file: file.delete(save=False))
        piece = Piece(
            dossier=dossier,
            kind=kind,
            partner=partner,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            pages=checked.pages,
            signature=signature,
            request=request,
            uploaded_by=actor,
        )
        piece.file.save(checked.name, upload, save=False)
        piece.save()
        if request is not None:
            _event(dossier, actor, "complement_uploaded", checked.name)
        _touch(dossier)
    return piece, files.limit_warning(kind, checked.pages)


def piece_delete(*, actor, piece):
    dossier = piece.dossier
    _check(
        dossier_abilities(actor, dossier).can_upload and piece.request_id is None,
        _frozen_message(dossier),
    )
    with transaction.atomic():
        piece.file.delete(save=False)
        piece.delete()
        _touch(dossier)


def originals_received(*, actor, piece, day):
    """The call's managers record the paper originals of a scanned signature (R49)."""
    _check(
        dossier_abilities(actor, piece.dossier).is_manager,
        _("Seuls les gestionnaires enregistrent les originaux."),
    )
    piece.originals_received_on = day
    piece.save(update_fields=["originals_received_on"])
    _event(piece.dossier, actor, "originals_received", piece.name)
    return piece


# --- deposit and screening ----------------------------------------------------------------------


def dossier_deposit(*, actor, dossier, now=None):
    """Deposit the dossier: the platform's clock in Europe/Paris decides (after 17:00:00 on the
    wave's closing day it is refused), and nothing mandatory may be missing (R38, R48)."""
    now = now or timezone.now()
    _check(
        dossier_abilities(actor, dossier).can_deposit,
        _("Seuls le porteur de projet et le porteur opérationnel déposent le dossier."),
    )
    _check(
        deadlines.deposit_open(dossier.wave, now),
        deadlines.refusal_message(dossier.wave),
        "closed",
    )
    ready, reasons = eligibility.can_deposit(dossier)
    _check(
        ready,
        _("Le dossier ne peut pas encore être déposé : %(reasons)s")
        % {"reasons": " ; ".join(str(reason) for reason in reasons)},
        "invalid",
    )
    DOSSIER.transition(dossier, S.DEPOSITED, actor=actor)
    if dossier.deposited_at != now:
        # The deposit's time is the instant the clock said, the one that was checked.
        Dossier.objects.filter(pk=dossier.pk).update(deposited_at=now)
        dossier.deposited_at = now
    return dossier


def dossier_withdraw(*, actor, dossier, reason):
    DOSSIER.transition(dossier, S.WITHDRAWN, actor=actor, reason=reason)
    return dossier


def dossier_screen(*, actor, dossier, eligible, reason=""):
    """The call's managers send a deposited dossier to the experts, or declare it
    ineligible (with the reason)."""
    DOSSIER.transition(
        dossier, S.EVALUATION if eligible else S.INELIGIBLE, actor=actor, reason=reason
    )
    return dossier


# --- evaluation ---------------------------------------------------------------------------------


def expert_conflict(dossier, expert):
    """Why ``expert`` may not evaluate ``dossier`` (R53), or "": a member of its team, or of the
    team's, the sponsor's or a partner's organisation."""
    if DossierMember.objects.filter(dossier=dossier, agent=expert).exists():
        return _("%(agent)s fait partie de l'équipe du dossier.") % {"agent": expert.display_name}
    if expert.service_id is None:
        return ""
    services = set(
        dossier.members.exclude(agent__service=None).values_list("agent__service", flat=True)
    )
    services.add(dossier.operational_service_id)
    services |= set(dossier.partners.exclude(service=None).values_list("service", flat=True))
    if expert.service_id in services:
        return _(
            "%(agent)s appartient à %(service)s, organisme de l'équipe, du porteur ou d'un "
            "partenaire du projet : un expert doit être indépendant."
        ) % {"agent": expert.display_name, "service": expert.service}
    # The sponsor's organisation: the préfecture (and the SGAR) of the dossier's region.
    kind = expert.service.kind
    sponsor_side = kind.family in ("prefecture", "sgar") and kind.level == "region"
    if sponsor_side and expert.service.region_id == dossier.region_id:
        return _(
            "%(agent)s appartient à la préfecture de région qui porte le projet : un "
            "expert doit être indépendant."
        ) % {"agent": expert.display_name}
    return ""


def expert_assign(*, actor, dossier, expert):
    _check(
        dossier_abilities(actor, dossier).can_assign_experts,
        _("Seuls les gestionnaires désignent les experts d'un dossier déposé."),
    )
    _check(expert.is_active and not expert.is_closed, _("Ce compte n'est pas actif."), "invalid")
    conflict = expert_conflict(dossier, expert)
    _check(not conflict, conflict, "conflict")
    with transaction.atomic():
        assignment, created = ExpertAssignment.objects.get_or_create(
            dossier=dossier, expert=expert, defaults={"assigned_by": actor}
        )
        _check(created, _("Cet expert est déjà désigné."), "invalid")
        CallRole.objects.get_or_create(
            call=dossier.call,
            agent=expert,
            role=CallRole.Role.EXPERT,
            defaults={"granted_by": actor},
        )
        _event(dossier, actor, "expert_assigned", expert.display_name)
    policy.forget(("calls:expert", expert.pk, dossier.pk))
    policy.forget(("calls:roles", expert.pk, dossier.call_id))
    return assignment


def scored_criteria(call):
    """The criteria experts score: those without sub-criteria, in the grid's order."""
    criteria = list(call.criteria.all())
    parents = {criterion.parent_id for criterion in criteria}
    return [criterion for criterion in criteria if criterion.pk not in parents]


def evaluation_submit(*, actor, dossier, scores, opinion):
    """An expert's evaluation: a score on the call's scale for every scored criterion, each
    with its comment, and the written opinion (R52). ``scores``: {criterion id: (score,
    comment)}. No criterion may stay empty."""
    abilities = dossier_abilities(actor, dossier)
    _check(abilities.can_evaluate, _("Vous n'évaluez pas ce dossier."))
    assignment = ExpertAssignment.objects.get(dossier=dossier, expert=actor)
    criteria = scored_criteria(dossier.call)
    known = {criterion.pk for criterion in criteria}
    _check(not set(scores) - known, _("Ce critère n'est pas celui de l'appel."), "invalid")
    missing = [c for c in criteria if scores.get(c.pk, (None, ""))[0] is None]
    _check(
        not missing,
        _("Notez chaque critère : %(criteria)s.")
        % {"criteria": ", ".join(str(c) for c in missing)},
        "invalid",
    )
    scale = dossier.call.scale_max
    for criterion in criteria:
        value, _comment = scores[criterion.pk]
        _check(
            isinstance(value, int) and 0 <= value <= scale,
            _("Une note va de 0 à %(max)s.") % {"max": scale},
            "invalid",
        )
    opinion = (opinion or "").strip()
    _check(opinion, _("Rédigez votre avis."), "invalid")
    with transaction.atomic():
        assignment.scores.all().delete()
        Score.objects.bulk_create(
            Score(
                assignment=assignment,
                criterion_id=criterion.pk,
                score=scores[criterion.pk][0],
                comment=(scores[criterion.pk][1] or "").strip()[:5000],
            )
            for criterion in criteria
        )
        assignment.opinion = opinion
        assignment.submitted_at = timezone.now()
        assignment.save(update_fields=["opinion", "submitted_at"])
        _event(dossier, actor, "evaluation_submitted")
    return assignment


def weighted_mean(assignment):
    """The expert's weighted mean on the call's scale (None before the evaluation)."""
    rows = list(assignment.scores.select_related("criterion"))
    weight = sum((row.criterion.weight for row in rows), Decimal("0"))
    if not rows or not weight:
        return None
    total = sum((row.criterion.weight * row.score for row in rows), Decimal("0"))
    return (total / weight).quantize(Decimal("0.01"))


def information_request(*, actor, dossier, text):
    """An expert asks the team for complementary information: it opens an upload scoped to the
    request on the frozen dossier (R48)."""
    _check(
        dossier_abilities(actor, dossier).can_request_information,
        _("Seuls les experts du dossier demandent des compléments."),
    )
    text = (text or "").strip()
    _check(text, _("Écrivez votre demande."), "invalid")
    request = InformationRequest(dossier=dossier, asked_by=actor, text=text)
    _clean(request)
    with transaction.atomic():
        request.save()
        _event(dossier, actor, "information_requested", text[:200])
    from calls.notification_kinds import request_sent

    request_sent(request, actor)
    return request


def request_answer(*, actor, request, response):
    """The team answers a request (the pieces it attaches go through ``piece_upload`` with
    ``request``); the request is then closed."""
    dossier = request.dossier
    _check(
        dossier_abilities(actor, dossier).can_complete and request.is_open,
        _("Cette demande de complément n'est pas ouverte."),
    )
    response = (response or "").strip()
    _check(response, _("Écrivez votre réponse."), "invalid")
    request.response = response
    request.answered_at = timezone.now()
    _clean(request)
    with transaction.atomic():
        request.save(update_fields=["response", "answered_at"])
        _event(dossier, actor, "information_answered")
    return request


def opinion_record(*, actor, dossier, text):
    """The expert committee's reasoned opinion (written up by the managers)."""
    DOSSIER.transition(dossier, S.REVIEWED, actor=actor, reason=text)
    return dossier


# --- decision and community ---------------------------------------------------------------------


def dossier_decide(
    *, actor, dossier, decision, reason, amount=None, conditions="", derogation="", now=None
):
    """The steering committee's decision (R54): selected with an amount (a share of the total
    cost above the call's threshold needs its derogation justified), not selected, promising,
    or referred to the Prime Minister."""
    from calls.financing import plan_of

    abilities = dossier_abilities(actor, dossier)
    _check(abilities.can_decide, _("Seul le comité de pilotage décide."))
    _check(
        decision in (S.SELECTED, S.NOT_SELECTED, S.PROMISING, S.REFERRED),
        _("Cette décision n'existe pas."),
        "invalid",
    )
    reason = (reason or "").strip()
    _check(reason, _("Motivez la décision."), "invalid")
    fields = {}
    if decision == S.SELECTED:
        _check(amount is not None and amount > 0, _("Indiquez l'aide accordée."), "invalid")
        total = plan_of(dossier).total_costs
        _check(total > 0, _("Le plan de financement du dossier est vide."), "invalid")
        share = amount * 100 / total
        derogation = (derogation or "").strip()
        if share > dossier.call.derogation_share:
            _check(
                derogation,
                _(
                    "L'aide représente %(share)s %% du coût total, au-delà de %(limit)s %% : "
                    "justifiez la dérogation."
                )
                % {
                    "share": f"{share:.1f}".replace(".", ","),
                    "limit": dossier.call.derogation_share,
                },
                "invalid",
            )
        fields = {
            "granted_amount": amount,
            "decision_conditions": (conditions or "").strip(),
            "decision_derogation": derogation,
        }
    with transaction.atomic():
        if fields:
            Dossier.objects.filter(pk=dossier.pk).update(**fields)
        DOSSIER.transition(dossier, decision, actor=actor, reason=reason)
    return dossier


def registry_consent(*, actor, dossier, consent):
    """A promising applicant chooses to be listed in the innovators' registry (R32)."""
    _check(
        dossier_abilities(actor, dossier).role in (M.SPONSOR, M.LEAD),
        _("Seul le porteur du projet décide de cette inscription."),
    )
    _check(dossier.state == S.PROMISING, _("Seuls les projets prometteurs y figurent."), "invalid")
    dossier.registry_consent = bool(consent)
    dossier.save(update_fields=["registry_consent"])
    _event(dossier, actor, "registry_consent" if consent else "registry_withdrawn")
    return dossier


def _community_description(dossier):
    """The project's summary and, in Markdown, the way back to its public page."""
    from django.urls import reverse

    link = _(
        "Communauté issue du projet lauréat [« %(project)s »](%(url)s) de l'appel « %(call)s »."
    ) % {
        "project": str(dossier).replace("]", ")").replace("[", "("),
        "url": reverse("calls:project", args=[dossier.pk]),
        "call": dossier.call.title,
    }
    return f"{dossier.summary.strip()}\n\n{link}".strip()[:5000]


def community_from_dossier(*, actor, dossier, visibility=None):
    """The community of a selected project, created through the communities' own entry point
    with the right the calls registered: its name, objective, type and themes from the
    dossier, the operational lead as its animator, the platform's charter as version 1, the
    project's team invited, a link back to the project."""
    from communities.models import Community
    from communities.services import community_create, invite

    _check(
        dossier_abilities(actor, dossier).can_create_community,
        _("Seuls les gestionnaires créent la communauté d'un projet lauréat."),
    )
    lead = dossier.members.get(role=M.LEAD).agent
    name = dossier.title if not dossier.acronym else f"{dossier.acronym} – {dossier.title}"
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        _check(locked.community_id is None, _("La communauté existe déjà."), "conflict")
        community = community_create(
            actor=actor,
            source=dossier,
            animators=[lead],
            themes=list(dossier.community_themes.all()),
            name=name[:150],
            description=_community_description(dossier),
            objective=(dossier.summary or dossier.title)[:2000],
            kind=dossier.community_kind,
            visibility=visibility or Community.Visibility.ON_REQUEST,
            scope=Community.Scope.REGION,
            region=dossier.region,
        )
        Dossier.objects.filter(pk=dossier.pk).update(community=community)
        dossier.community = community
        for member in dossier.members.exclude(agent=lead).select_related("agent"):
            if member.agent.is_active and not member.agent.is_closed:
                # The lead animates the community: the invitations are theirs.
                invite(community=community, actor=lead, agent=member.agent)
        _event(dossier, actor, "community_created", community.name)
    return community
