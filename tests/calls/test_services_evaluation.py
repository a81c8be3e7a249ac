"""The evaluation and decision services: the experts' conflict rule (R53), the evaluation
(R52), the information requests and their scoped upload (R48), the reasoned opinion, the
decision with its derogation and the referral (R54), the community of a selected project and
the innovators' registry consent (R32)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from calls import services
from calls.models import (
    CallRole,
    Criterion,
    Dossier,
    DossierEvent,
    DossierMember,
    ExpertAssignment,
    PieceKind,
)
from calls.services import CallError
from communities.models import Community, Membership
from directory.models import Region, ServiceKind
from maillage.http import Refused
from notifications.models import Notification
from tests.calls import samples
from tests.calls.factories import (
    DossierFactory,
    add_member,
    add_partner,
    at_state,
    grant,
    lead_of,
    with_plan,
)
from tests.factories import AgentFactory, ServiceFactory, ThemeFactory

pytestmark = pytest.mark.django_db

S = Dossier.State
M = DossierMember.Role
R = CallRole.Role


def scored(dossier):
    criteria = list(dossier.call.criteria.all())
    parents = {c.parent_id for c in criteria}
    return [c for c in criteria if c.pk not in parents]


@pytest.fixture
def dossier():
    return at_state(DossierFactory(), S.EVALUATION)


@pytest.fixture
def manager(dossier):
    return grant(dossier.call, R.MANAGER)


def assigned(dossier, manager, expert=None):
    expert = expert or AgentFactory()
    services.expert_assign(actor=manager, dossier=dossier, expert=expert)
    return expert


# --- the experts' conflict rule ------------------------------------------------------------------


def test_an_independent_expert_is_assigned_and_given_the_role(dossier, manager):
    """An agent of an unrelated service is assigned: the assignment, the call's expert role
    and the audit line are written."""
    expert = AgentFactory()
    assignment = services.expert_assign(actor=manager, dossier=dossier, expert=expert)
    assert assignment.dossier == dossier and assignment.assigned_by == manager
    assert CallRole.objects.filter(call=dossier.call, agent=expert, role=R.EXPERT).exists()
    assert DossierEvent.objects.filter(dossier=dossier, action="expert_assigned").exists()


def test_an_expert_of_the_teams_dreal_is_refused(dossier, manager):
    """A colleague of the operational lead's DREAL is refused with a French reason naming the
    service."""
    colleague = AgentFactory(service=dossier.operational_service)
    with pytest.raises(CallError) as refused:
        services.expert_assign(actor=manager, dossier=dossier, expert=colleague)
    assert refused.value.code == "conflict"
    assert str(dossier.operational_service) in str(refused.value)
    assert "un expert doit être indépendant" in str(refused.value)
    assert not ExpertAssignment.objects.filter(dossier=dossier).exists()


def test_a_member_of_the_team_is_refused(dossier, manager):
    """A member of the dossier's team cannot evaluate it."""
    member = add_member(dossier)
    with pytest.raises(CallError, match="fait partie de l'équipe du dossier"):
        services.expert_assign(actor=manager, dossier=dossier, expert=member)


def test_a_colleague_of_a_team_member_is_refused(dossier, manager):
    """An agent of the service of a team member (not the lead's) is refused."""
    member = add_member(dossier, AgentFactory())
    with pytest.raises(CallError, match="un expert doit être indépendant"):
        services.expert_assign(
            actor=manager, dossier=dossier, expert=AgentFactory(service=member.service)
        )


def test_an_agent_of_a_partner_organisation_is_refused(dossier, manager):
    """An agent of a partner's service is refused."""
    partner_service = ServiceFactory()
    add_partner(dossier, name="DDTM partenaire", service=partner_service)
    with pytest.raises(CallError, match="un expert doit être indépendant"):
        services.expert_assign(
            actor=manager, dossier=dossier, expert=AgentFactory(service=partner_service)
        )


def _prefecture(region):
    return ServiceFactory(
        kind=ServiceKind.objects.get(code="PREF-REG"), department=None, region=region
    )


def test_the_sponsoring_prefecture_is_refused_another_region_s_is_not(dossier, manager):
    """An agent of the préfecture de région that sponsors the project is refused; one of
    another region's préfecture is independent."""
    with pytest.raises(CallError, match="préfecture de région qui porte le projet"):
        services.expert_assign(
            actor=manager, dossier=dossier, expert=AgentFactory(service=_prefecture(dossier.region))
        )
    elsewhere = Region.objects.exclude(pk=dossier.region_id).first()
    expert = AgentFactory(service=_prefecture(elsewhere))
    assert services.expert_assign(actor=manager, dossier=dossier, expert=expert)


def test_an_expert_is_assigned_once_and_only_by_a_manager(dossier, manager):
    """Assigning the same expert twice is refused; the committee may not assign."""
    expert = assigned(dossier, manager)
    with pytest.raises(CallError, match="déjà désigné"):
        services.expert_assign(actor=manager, dossier=dossier, expert=expert)
    committee = grant(dossier.call, R.COMMITTEE)
    with pytest.raises(CallError) as refused:
        services.expert_assign(actor=committee, dossier=dossier, expert=AgentFactory())
    assert refused.value.code == "forbidden"
    assert ExpertAssignment.objects.filter(dossier=dossier).count() == 1


# --- the evaluation ------------------------------------------------------------------------------


def test_an_evaluation_scores_every_criterion_and_gives_the_weighted_mean(dossier, manager):
    """The scores and the opinion are stored; the mean weighs each criterion (3 × 4 + 1 × 2)
    ÷ 4 = 3.5; a new submission replaces the scores."""
    expert = assigned(dossier, manager)
    first, second = scored(dossier)
    Criterion.objects.filter(pk=first.pk).update(weight=Decimal("3"))
    scores = {first.pk: (4, "Bien"), second.pk: (2, "Faible")}
    assignment = services.evaluation_submit(
        actor=expert, dossier=dossier, scores=scores, opinion="Avis favorable."
    )
    assert assignment.submitted_at is not None and assignment.opinion == "Avis favorable."
    assert services.weighted_mean(assignment) == Decimal("3.50")
    services.evaluation_submit(
        actor=expert,
        dossier=dossier,
        scores={first.pk: (0, ""), second.pk: (5, "")},
        opinion="Réservé.",
    )
    assert assignment.scores.count() == 2
    assert services.weighted_mean(assignment) == Decimal("1.25")


def test_an_evaluation_with_empty_criteria_is_refused_with_their_list(dossier, manager):
    """The refusal names every criterion left empty; nothing is stored."""
    expert = assigned(dossier, manager)
    first, second = scored(dossier)
    with pytest.raises(CallError) as refused:
        services.evaluation_submit(
            actor=expert, dossier=dossier, scores={first.pk: (None, "")}, opinion="Avis."
        )
    assert str(first) in str(refused.value) and str(second) in str(refused.value)
    assert not ExpertAssignment.objects.get(expert=expert).scores.exists()


def test_an_evaluation_out_of_scale_without_opinion_or_of_another_call_is_refused(dossier, manager):
    """A score above the scale, an empty opinion, a criterion of another call: refused."""
    expert = assigned(dossier, manager)
    first, second = scored(dossier)
    scale = dossier.call.scale_max
    with pytest.raises(CallError, match=f"Une note va de 0 à {scale}"):
        services.evaluation_submit(
            actor=expert,
            dossier=dossier,
            scores={first.pk: (scale + 1, ""), second.pk: (1, "")},
            opinion="Avis.",
        )
    with pytest.raises(CallError, match="Rédigez votre avis"):
        services.evaluation_submit(
            actor=expert,
            dossier=dossier,
            scores={first.pk: (1, ""), second.pk: (1, "")},
            opinion="  ",
        )
    foreign = DossierFactory().call.criteria.first()
    with pytest.raises(CallError, match="n'est pas celui de l'appel"):
        services.evaluation_submit(
            actor=expert,
            dossier=dossier,
            scores={first.pk: (1, ""), second.pk: (1, ""), foreign.pk: (1, "")},
            opinion="Avis.",
        )


def test_only_an_assigned_expert_evaluates_and_only_in_evaluation(dossier, manager):
    """An unassigned expert is refused; so is the assigned one once the opinion is given."""
    first, second = scored(dossier)
    scores = {first.pk: (3, ""), second.pk: (3, "")}
    outsider = grant(dossier.call, R.EXPERT)
    with pytest.raises(CallError, match="Vous n'évaluez pas ce dossier"):
        services.evaluation_submit(actor=outsider, dossier=dossier, scores=scores, opinion="A.")
    expert = assigned(dossier, manager)
    at_state(dossier, S.REVIEWED)
    with pytest.raises(CallError, match="Vous n'évaluez pas ce dossier"):
        services.evaluation_submit(actor=expert, dossier=dossier, scores=scores, opinion="A.")


# --- information requests and their scoped upload ------------------------------------------------


def test_a_request_opens_an_upload_scoped_to_it_until_it_is_answered(
    dossier, manager, django_capture_on_commit_callbacks
):
    """The expert's request notifies the team; the team attaches a file to it on the frozen
    dossier (a plain upload is refused); once answered, the scoped upload is refused."""
    expert = assigned(dossier, manager)
    lead = lead_of(dossier)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.information_request(
            actor=expert, dossier=dossier, text="Joignez le budget détaillé."
        )
    assert request.is_open
    assert Notification.objects.filter(recipient=lead, kind="call_request").exists()
    assert not Notification.objects.filter(recipient=expert, kind="call_request").exists()

    annexes = PieceKind.objects.get(call=dossier.call, code="annexes")
    with pytest.raises(CallError, match="Le dossier est déposé"):
        services.piece_upload(
            actor=lead,
            dossier=dossier,
            kind=annexes,
            upload=samples.upload("budget.pdf", samples.pdf()),
        )
    piece, _warning = services.piece_upload(
        actor=lead,
        dossier=dossier,
        kind=annexes,
        upload=samples.upload("budget.pdf", samples.pdf()),
        request=request,
    )
    assert piece.request == request and piece.dossier == dossier
    assert DossierEvent.objects.filter(dossier=dossier, action="complement_uploaded").exists()

    services.request_answer(actor=lead, request=request, response="Le budget est joint.")
    request.refresh_from_db()
    assert not request.is_open and request.response == "Le budget est joint."
    with pytest.raises(CallError, match="n'est pas ouverte"):
        services.piece_upload(
            actor=lead,
            dossier=dossier,
            kind=annexes,
            upload=samples.upload("encore.pdf", samples.pdf()),
            request=request,
        )
    with pytest.raises(CallError, match="n'est pas ouverte"):
        services.request_answer(actor=lead, request=request, response="Encore.")
    assert dossier.pieces.count() == 1


def test_a_request_of_another_dossier_opens_no_upload(dossier, manager):
    """A request of another dossier does not open this one."""
    expert = assigned(dossier, manager)
    other = at_state(DossierFactory(call=dossier.call), S.EVALUATION)
    other_manager = grant(other.call, R.MANAGER)
    foreign = services.information_request(
        actor=assigned(other, other_manager), dossier=other, text="Autre."
    )
    services.information_request(actor=expert, dossier=dossier, text="Ici.")
    annexes = PieceKind.objects.get(call=dossier.call, code="annexes")
    with pytest.raises(CallError, match="n'est pas ouverte"):
        services.piece_upload(
            actor=lead_of(dossier),
            dossier=dossier,
            kind=annexes,
            upload=samples.upload("x.pdf", samples.pdf()),
            request=foreign,
        )


def test_only_the_experts_ask_and_only_the_team_answers(dossier, manager):
    """The team cannot ask; the expert cannot answer; an empty request is refused."""
    expert = assigned(dossier, manager)
    lead = lead_of(dossier)
    with pytest.raises(CallError, match="Seuls les experts du dossier"):
        services.information_request(actor=lead, dossier=dossier, text="Question ?")
    with pytest.raises(CallError, match="Écrivez votre demande"):
        services.information_request(actor=expert, dossier=dossier, text=" ")
    request = services.information_request(actor=expert, dossier=dossier, text="Question ?")
    with pytest.raises(CallError, match="n'est pas ouverte"):
        services.request_answer(actor=expert, request=request, response="Réponse.")
    with pytest.raises(CallError, match="Écrivez votre réponse"):
        services.request_answer(actor=lead, request=request, response="")


# --- the opinion and the decision ----------------------------------------------------------------


def test_the_managers_record_the_reasoned_opinion(dossier, manager):
    """The opinion moves the dossier to « avis motivé rendu » and is stored; the committee
    may not write it, and an empty one is refused."""
    committee = grant(dossier.call, R.COMMITTEE)
    with pytest.raises(Refused, match="Vous ne pouvez pas faire ce changement"):
        services.opinion_record(actor=committee, dossier=dossier, text="Avis.")
    with pytest.raises(Refused, match="Indiquez le motif"):
        services.opinion_record(actor=manager, dossier=dossier, text="")
    services.opinion_record(actor=manager, dossier=dossier, text="Projet solide.")
    dossier.refresh_from_db()
    assert dossier.state == S.REVIEWED and dossier.committee_opinion == "Projet solide."
    assert DossierEvent.objects.filter(dossier=dossier, target=S.REVIEWED).exists()


@pytest.fixture
def reviewed():
    return with_plan(at_state(DossierFactory(), S.REVIEWED))


def test_a_selection_above_the_share_needs_its_derogation(reviewed):
    """200 k€ on a 350 k€ total is 57,1 %: refused without a justification (nothing written),
    recorded with it."""
    committee = grant(reviewed.call, R.COMMITTEE)
    with pytest.raises(CallError) as refused:
        services.dossier_decide(
            actor=committee,
            dossier=reviewed,
            decision=S.SELECTED,
            reason="Exemplaire.",
            amount=Decimal("200"),
        )
    assert "57,1 %" in str(refused.value) and "50 %" in str(refused.value)
    reviewed.refresh_from_db()
    assert reviewed.state == S.REVIEWED and reviewed.granted_amount is None
    services.dossier_decide(
        actor=committee,
        dossier=reviewed,
        decision=S.SELECTED,
        reason="Exemplaire.",
        amount=Decimal("200"),
        conditions="Deux tranches.",
        derogation="Projet pilote national.",
    )
    reviewed.refresh_from_db()
    assert reviewed.state == S.SELECTED and reviewed.decided_at is not None
    assert reviewed.granted_amount == Decimal("200")
    assert reviewed.decision_conditions == "Deux tranches."
    assert reviewed.decision_derogation == "Projet pilote national."
    event = DossierEvent.objects.get(dossier=reviewed, target=S.SELECTED)
    assert event.actor == committee and event.comment == "Exemplaire."


def test_a_selection_at_the_share_needs_no_derogation(reviewed):
    """175 k€ on 350 k€ is exactly 50 %: no derogation needed."""
    committee = grant(reviewed.call, R.COMMITTEE)
    services.dossier_decide(
        actor=committee,
        dossier=reviewed,
        decision=S.SELECTED,
        reason="Bon projet.",
        amount=Decimal("175"),
    )
    reviewed.refresh_from_db()
    assert reviewed.state == S.SELECTED and reviewed.decision_derogation == ""


def test_a_selection_needs_an_amount_a_plan_and_a_reason(reviewed):
    """No amount, no reason, an unknown decision, an empty plan: each refused."""
    committee = grant(reviewed.call, R.COMMITTEE)
    decide = services.dossier_decide
    with pytest.raises(CallError, match="Indiquez l'aide accordée"):
        decide(actor=committee, dossier=reviewed, decision=S.SELECTED, reason="R.")
    with pytest.raises(CallError, match="Motivez la décision"):
        decide(actor=committee, dossier=reviewed, decision=S.NOT_SELECTED, reason=" ")
    with pytest.raises(CallError, match="Cette décision n'existe pas"):
        decide(actor=committee, dossier=reviewed, decision=S.DRAFT, reason="R.")
    reviewed.financing.all().delete()
    with pytest.raises(CallError, match="plan de financement du dossier est vide"):
        decide(
            actor=committee,
            dossier=reviewed,
            decision=S.SELECTED,
            reason="R.",
            amount=Decimal("10"),
        )
    reviewed.refresh_from_db()
    assert reviewed.state == S.REVIEWED


def test_only_the_committee_or_the_managers_decide(reviewed):
    """An expert of the call and the lead are refused."""
    expert = grant(reviewed.call, R.EXPERT)
    ExpertAssignment.objects.create(dossier=reviewed, expert=expert)
    for actor in (expert, lead_of(reviewed)):
        with pytest.raises(CallError, match="Seul le comité de pilotage décide"):
            services.dossier_decide(
                actor=actor, dossier=reviewed, decision=S.NOT_SELECTED, reason="R."
            )


def test_a_referral_to_the_prime_minister_then_its_decision(reviewed):
    """Referred, the dossier may then be selected or not selected, never « promising »."""
    committee = grant(reviewed.call, R.COMMITTEE)
    services.dossier_decide(
        actor=committee, dossier=reviewed, decision=S.REFERRED, reason="Arbitrage requis."
    )
    reviewed.refresh_from_db()
    assert reviewed.state == S.REFERRED
    assert DossierEvent.objects.filter(dossier=reviewed, target=S.REFERRED).exists()
    with pytest.raises(Refused, match="Ce changement d'état n'est pas possible"):
        services.dossier_decide(
            actor=committee, dossier=reviewed, decision=S.PROMISING, reason="Prometteur."
        )
    services.dossier_decide(
        actor=committee, dossier=reviewed, decision=S.NOT_SELECTED, reason="Arbitrage rendu."
    )
    reviewed.refresh_from_db()
    assert reviewed.state == S.NOT_SELECTED


# --- the community and the registry --------------------------------------------------------------


def test_the_community_of_a_selected_project(reviewed):
    """The community carries the dossier's name, type, themes and region; the lead animates
    it; its charter is version 1; the team is invited; its description links back to the
    project; the dossier points to it; a second one is refused."""
    manager = grant(reviewed.call, R.MANAGER)
    lead = lead_of(reviewed)
    sponsor = add_member(reviewed, role=M.SPONSOR)
    team = add_member(reviewed)
    themes = [ThemeFactory(), ThemeFactory()]
    reviewed.community_kind = Community.Kind.EXPERTISE
    reviewed.summary = "Mettre en réseau les instructeurs."
    reviewed.save(update_fields=["community_kind", "summary"])
    reviewed.community_themes.set(themes)
    at_state(reviewed, S.SELECTED)

    community = services.community_from_dossier(actor=manager, dossier=reviewed)
    assert community.name == f"{reviewed.acronym} – {reviewed.title}"
    assert community.kind == Community.Kind.EXPERTISE
    assert set(community.themes.all()) == set(themes)
    assert community.region == reviewed.region
    assert community.current_charter.number == 1
    assert reverse("calls:project", args=[reviewed.pk]) in community.description
    assert "Mettre en réseau les instructeurs." in community.description
    animator = Membership.objects.get(community=community, agent=lead)
    assert animator.role == Membership.Role.ANIMATOR and animator.is_active
    for agent in (sponsor, team):
        membership = Membership.objects.get(community=community, agent=agent)
        assert membership.state == Membership.State.INVITED
    reviewed.refresh_from_db()
    assert reviewed.community == community
    assert DossierEvent.objects.filter(dossier=reviewed, action="community_created").exists()
    with pytest.raises(CallError):
        services.community_from_dossier(actor=manager, dossier=reviewed)
    assert Community.objects.filter(call_dossier=reviewed).count() == 1


def test_only_a_manager_creates_the_community_of_a_selected_project(reviewed):
    """Not selected yet, or by the committee: refused."""
    manager = grant(reviewed.call, R.MANAGER)
    committee = grant(reviewed.call, R.COMMITTEE)
    with pytest.raises(CallError, match="Seuls les gestionnaires"):
        services.community_from_dossier(actor=manager, dossier=reviewed)
    at_state(reviewed, S.SELECTED)
    with pytest.raises(CallError, match="Seuls les gestionnaires"):
        services.community_from_dossier(actor=committee, dossier=reviewed)
    assert not Community.objects.filter(call_dossier=reviewed).exists()


def test_the_registry_consent_of_a_promising_project(reviewed):
    """The sponsor or the lead of a promising project consent and withdraw; a team member
    may not; a project not promising may not be listed."""
    lead = lead_of(reviewed)
    sponsor = add_member(reviewed, role=M.SPONSOR)
    team = add_member(reviewed)
    with pytest.raises(CallError, match="Seuls les projets prometteurs"):
        services.registry_consent(actor=lead, dossier=reviewed, consent=True)
    at_state(reviewed, S.PROMISING)
    services.registry_consent(actor=lead, dossier=reviewed, consent=True)
    reviewed.refresh_from_db()
    assert reviewed.registry_consent
    services.registry_consent(actor=sponsor, dossier=reviewed, consent=False)
    reviewed.refresh_from_db()
    assert not reviewed.registry_consent
    with pytest.raises(CallError, match="Seul le porteur du projet"):
        services.registry_consent(actor=team, dossier=reviewed, consent=True)
    actions = list(DossierEvent.objects.filter(dossier=reviewed).values_list("action", flat=True))
    assert actions[-2:] == ["registry_consent", "registry_withdrawn"]
