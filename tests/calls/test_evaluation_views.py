"""The evaluation and decision page of a dossier: who sees which form, the screening, the
experts and their conflicts, the scoring, the information requests and their scoped upload,
the reasoned opinion, the decision with its derogation, the community of a selected project and
the registry consent."""

from decimal import Decimal

import pytest
from django.urls import reverse

from calls.models import (
    CallRole,
    Dossier,
    DossierEvent,
    DossierMember,
    ExpertAssignment,
    InformationRequest,
    Piece,
)
from communities.models import Membership
from tests.calls import samples
from tests.calls.factories import DossierFactory, add_member, at_state, grant, lead_of, with_plan
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

S = Dossier.State
R = CallRole.Role


def assign(dossier, expert=None):
    expert = expert or AgentFactory()
    ExpertAssignment.objects.create(dossier=dossier, expert=expert)
    CallRole.objects.get_or_create(call=dossier.call, agent=expert, role=R.EXPERT)
    return expert


def url(name, dossier, *args):
    return reverse(f"calls:{name}", args=[dossier.call.slug, dossier.pk, *args])


def scored(dossier):
    """The codes and ids of the criteria an expert scores (those without sub-criteria)."""
    criteria = list(dossier.call.criteria.all())
    parents = {c.parent_id for c in criteria}
    return [c for c in criteria if c.pk not in parents]


def score_data(dossier, value=4, opinion="Projet solide, partenariat crédible."):
    data = {"score-opinion": opinion}
    for criterion in scored(dossier):
        data[f"score-score_{criterion.pk}"] = str(value)
        data[f"score-comment_{criterion.pk}"] = f"Commentaire sur {criterion.code}"
    return data


@pytest.fixture
def people():
    """A dossier in evaluation, one assigned expert, one open request, and everyone around."""
    dossier = with_plan(at_state(DossierFactory(), S.EVALUATION))
    call = dossier.call
    cast = {
        "manager": grant(call, R.MANAGER),
        "committee": grant(call, R.COMMITTEE),
        "expert": assign(dossier),
        "other_expert": grant(call, R.EXPERT),
        "lead": lead_of(dossier),
        "team": add_member(dossier),
        "stranger": AgentFactory(),
    }
    request = InformationRequest.objects.create(
        dossier=dossier, asked_by=cast["expert"], text="Précisez le calendrier."
    )
    return dossier, cast, request


def shown_forms(response):
    content = response.content.decode()
    return {
        name
        for name in (
            "screen-eligible-form",
            "screen-ineligible-form",
            "assign-form",
            "score-form",
            "request-form",
            "opinion-form",
            "decide-form",
            "community-form",
            "consent-form",
            "audit-trail",
            "evaluations-section",
        )
        if f'data-testid="{name}"' in content
    }


# --- who sees what -------------------------------------------------------------------------------


def test_the_page_shows_each_viewer_only_the_forms_of_what_they_may_do(client, people):
    """In evaluation: the managers assign experts and record the opinion, and read every
    evaluation and the audit trail; the committee reads; an assigned expert scores and asks;
    the team sees the requests only; an unassigned expert and a stranger get a 404."""
    dossier, cast, _request = people
    expected = {
        "manager": {"assign-form", "opinion-form", "audit-trail"},
        "committee": {"audit-trail"},
        "expert": {"score-form", "request-form"},
        "lead": set(),
        "team": set(),
    }
    for who, forms in expected.items():
        client.force_login(cast[who])
        response = client.get(url("evaluation", dossier))
        assert response.status_code == 200, who
        assert shown_forms(response) - {"evaluations-section"} == forms, who
        # Every viewer sees the requests; only the team is offered to answer.
        answer = "Répondre et joindre des fichiers" in response.content.decode()
        assert answer == (who in ("lead", "team")), who
    for who in ("other_expert", "stranger"):
        client.force_login(cast[who])
        assert client.get(url("evaluation", dossier)).status_code == 404, who


def test_the_screening_and_the_decision_forms_follow_the_state(client, people):
    """Deposited: only the managers see the screening buttons; reviewed: the managers and the
    committee see the decision form, not the expert nor the team."""
    dossier, cast, _request = people
    at_state(dossier, S.DEPOSITED)
    for who, sees in (("manager", True), ("committee", False), ("lead", False)):
        client.force_login(cast[who])
        found = shown_forms(client.get(url("evaluation", dossier)))
        assert ("screen-ineligible-form" in found) is sees, who
        assert ("screen-eligible-form" in found) is sees, who
    at_state(dossier, S.REVIEWED)
    for who, sees in (("manager", True), ("committee", True), ("expert", False), ("lead", False)):
        client.force_login(cast[who])
        assert ("decide-form" in shown_forms(client.get(url("evaluation", dossier)))) is sees, who


def test_only_the_sponsor_or_lead_of_a_promising_project_see_the_consent(client, people):
    """Promising: the lead is offered the registry consent, a team member is not; selected:
    the managers see « Créer la communauté », the committee does not."""
    dossier, cast, _request = people
    at_state(dossier, S.PROMISING)
    client.force_login(cast["lead"])
    assert "consent-form" in shown_forms(client.get(url("evaluation", dossier)))
    client.force_login(cast["team"])
    assert "consent-form" not in shown_forms(client.get(url("evaluation", dossier)))
    at_state(dossier, S.SELECTED)
    client.force_login(cast["manager"])
    assert "community-form" in shown_forms(client.get(url("evaluation", dossier)))
    client.force_login(cast["committee"])
    assert "community-form" not in shown_forms(client.get(url("evaluation", dossier)))


def test_an_expert_reads_their_own_evaluation_not_the_others(client, people):
    """Each expert reads only their own scores and opinion; the committee reads both."""
    dossier, cast, _request = people
    second = assign(dossier)
    for expert, opinion in ((cast["expert"], "Avis du premier"), (second, "Avis du second")):
        client.force_login(expert)
        response = client.post(url("score", dossier), score_data(dossier, opinion=opinion))
        assert response.status_code == 302
    client.force_login(second)
    content = client.get(url("evaluation", dossier)).content.decode()
    assert "Avis du second" in content and "Avis du premier" not in content
    client.force_login(cast["committee"])
    content = client.get(url("evaluation", dossier)).content.decode()
    assert "Avis du second" in content and "Avis du premier" in content


# --- the whole path ------------------------------------------------------------------------------


def test_from_screening_to_the_community_of_a_selected_project(client):
    """The managers screen and assign two experts (one of the team's DREAL is refused with its
    French reason); both score; the opinion is recorded; the committee's « lauréat » with 200 k€
    on 350 k€ (57,1 %) is refused without a derogation justification and accepted with it; the
    community then exists with the team invited."""
    dossier = with_plan(at_state(DossierFactory(), S.DEPOSITED))
    call = dossier.call
    manager = grant(call, R.MANAGER)
    committee = grant(call, R.COMMITTEE)
    team_member = add_member(dossier)
    page = url("evaluation", dossier)

    client.force_login(manager)
    response = client.post(url("screen", dossier), {"decision": "evaluation"})
    assert response.status_code == 302 and response["Location"] == page
    dossier.refresh_from_db()
    assert dossier.state == S.EVALUATION

    dreal_colleague = AgentFactory(service=dossier.operational_service)
    response = client.post(url("assign", dossier), {"assign-email": dreal_colleague.email})
    assert response.status_code == 400
    assert "un expert doit être indépendant" in response.content.decode()
    assert not ExpertAssignment.objects.filter(dossier=dossier).exists()

    experts = [AgentFactory(), AgentFactory()]
    for expert in experts:
        response = client.post(url("assign", dossier), {"assign-email": expert.email.upper()})
        assert response.status_code == 302
    assert ExpertAssignment.objects.filter(dossier=dossier).count() == 2

    for expert, value in zip(experts, (4, 3), strict=True):
        client.force_login(expert)
        assert client.post(url("score", dossier), score_data(dossier, value)).status_code == 302

    client.force_login(manager)
    content = client.get(page).content.decode()
    assert content.count('data-testid="weighted-mean"') == 2
    assert 'data-testid="weighted-mean">4,00<' in content
    assert 'data-testid="weighted-mean">3,00<' in content
    response = client.post(url("opinion", dossier), {"opinion-text": "Projet à retenir."})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == S.REVIEWED

    client.force_login(committee)
    decision = {
        "decide-decision": "selected",
        "decide-amount": "200",
        "decide-conditions": "Versement en deux tranches.",
        "decide-reason": "Projet exemplaire.",
    }
    response = client.post(url("decide", dossier), decision)
    assert response.status_code == 400
    assert "57,1 %" in response.content.decode()
    assert "justifiez la dérogation" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == S.REVIEWED and dossier.granted_amount is None

    decision["decide-derogation"] = "Projet pilote national, cofinancement limité."
    response = client.post(url("decide", dossier), decision)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == S.SELECTED
    assert dossier.granted_amount == Decimal("200")
    assert dossier.decision_derogation.startswith("Projet pilote")
    content = client.get(page).content.decode()
    assert 'data-testid="decision-share">57,1 %' in content

    client.force_login(manager)
    response = client.post(url("community", dossier))
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.community is not None
    assert Membership.objects.filter(
        community=dossier.community, agent=team_member, state=Membership.State.INVITED
    ).exists()
    content = client.get(page).content.decode()
    assert 'data-testid="dossier-community"' in content
    assert 'data-testid="community-form"' not in content


# --- the forms' errors ---------------------------------------------------------------------------


def test_an_ineligible_dossier_needs_its_reason(client, people):
    """Declaring a dossier ineligible without a reason is refused in French; with one, the
    dossier is ineligible and the reason is in the audit trail."""
    dossier, cast, _request = people
    at_state(dossier, S.DEPOSITED)
    client.force_login(cast["manager"])
    response = client.post(url("screen", dossier), {"decision": "ineligible"})
    assert response.status_code == 400
    assert "Indiquez le motif de l&#x27;irrecevabilité." in response.content.decode()
    response = client.post(
        url("screen", dossier),
        {"decision": "ineligible", "screen-reason": "Porteur hors administration territoriale."},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == S.INELIGIBLE
    assert DossierEvent.objects.filter(
        dossier=dossier, target=S.INELIGIBLE, comment__startswith="Porteur hors"
    ).exists()


def test_an_unknown_address_cannot_be_assigned(client, people):
    """An address no agent has is said so, with the address typed."""
    dossier, cast, _request = people
    client.force_login(cast["manager"])
    response = client.post(url("assign", dossier), {"assign-email": "personne@nulle-part.fr"})
    assert response.status_code == 400
    assert "Aucun agent n&#x27;a l&#x27;adresse « personne@nulle-part.fr »" in (
        response.content.decode()
    )


def test_an_evaluation_with_an_empty_criterion_is_refused_with_the_list(client, people):
    """An expert who leaves criteria empty is told which, and nothing is stored."""
    dossier, cast, _request = people
    client.force_login(cast["expert"])
    data = score_data(dossier)
    empty = scored(dossier)
    for criterion in empty:
        data[f"score-score_{criterion.pk}"] = ""
    response = client.post(url("score", dossier), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Notez chaque critère" in content
    for criterion in empty:
        assert criterion.label in content
    assignment = ExpertAssignment.objects.get(dossier=dossier, expert=cast["expert"])
    assert assignment.submitted_at is None and not assignment.scores.exists()


def test_a_score_above_the_scale_is_refused(client, people):
    """A score above the call's scale is not one of the choices."""
    dossier, cast, _request = people
    client.force_login(cast["expert"])
    data = score_data(dossier)
    data[f"score-score_{scored(dossier)[0].pk}"] = str(dossier.call.scale_max + 1)
    response = client.post(url("score", dossier), data)
    assert response.status_code == 400
    assert not ExpertAssignment.objects.get(expert=cast["expert"]).scores.exists()


def test_the_team_cannot_decide(client, people):
    """A team member who posts a decision is refused with the service's French reason and a
    403; a stranger gets a 404."""
    dossier, cast, _request = people
    at_state(dossier, S.REVIEWED)
    data = {"decide-decision": "not_selected", "decide-reason": "Non."}
    client.force_login(cast["lead"])
    response = client.post(url("decide", dossier), data)
    assert response.status_code == 403
    assert "Seul le comité de pilotage décide." in response.content.decode()
    client.force_login(cast["stranger"])
    assert client.post(url("decide", dossier), data).status_code == 404
    dossier.refresh_from_db()
    assert dossier.state == S.REVIEWED


def test_a_decision_not_selected_needs_its_reason(client, people):
    """A decision without its reason is refused; « promising » with one is recorded."""
    dossier, cast, _request = people
    at_state(dossier, S.REVIEWED)
    client.force_login(cast["committee"])
    response = client.post(url("decide", dossier), {"decide-decision": "promising"})
    assert response.status_code == 400
    assert "Motivez la décision." in response.content.decode()
    response = client.post(
        url("decide", dossier),
        {"decide-decision": "promising", "decide-reason": "Idée prometteuse, à mûrir."},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == S.PROMISING


# --- requests and their scoped upload ------------------------------------------------------------


def test_an_expert_asks_and_the_team_answers_with_a_file(client, people):
    """The expert's request reaches the page; the lead answers it with a file attached to the
    request, and the request is closed."""
    dossier, cast, _request = people
    client.force_login(cast["expert"])
    response = client.post(url("request_new", dossier), {"request-text": "Joignez le budget."})
    assert response.status_code == 302
    asked = InformationRequest.objects.get(dossier=dossier, text="Joignez le budget.")

    client.force_login(cast["lead"])
    page = client.get(url("request", dossier, asked.pk))
    assert page.status_code == 200 and 'data-testid="answer-form"' in page.content.decode()
    response = client.post(
        url("request", dossier, asked.pk),
        {
            "answer-response": "Le budget détaillé est joint.",
            "answer-files": samples.upload("budget.pdf", samples.pdf()),
        },
    )
    assert response.status_code == 302
    asked.refresh_from_db()
    assert not asked.is_open and asked.response == "Le budget détaillé est joint."
    piece = Piece.objects.get(request=asked)
    assert piece.dossier == dossier and piece.kind.code == "annexes"


def test_the_scoped_upload_is_refused_once_the_request_is_answered(client, people):
    """After the answer, a file posted to the request is refused and not stored."""
    dossier, cast, request = people
    client.force_login(cast["lead"])
    response = client.post(url("request", dossier, request.pk), {"answer-response": "Voici."})
    assert response.status_code == 302
    page = client.get(url("request", dossier, request.pk)).content.decode()
    assert 'data-testid="answer-form"' not in page
    response = client.post(
        url("request", dossier, request.pk),
        {
            "answer-response": "Un fichier de plus.",
            "answer-files": samples.upload("tard.pdf", samples.pdf()),
        },
    )
    assert response.status_code == 403
    assert "Cette demande de complément n&#x27;est pas ouverte." in response.content.decode()
    assert not Piece.objects.filter(dossier=dossier).exists()
    request.refresh_from_db()
    assert request.response == "Voici."


def test_a_refused_file_leaves_the_request_open(client, people):
    """An executable attached to the answer refuses the whole answer: the request stays open
    and nothing is stored."""
    dossier, cast, request = people
    client.force_login(cast["team"])
    response = client.post(
        url("request", dossier, request.pk),
        {"answer-response": "Voici.", "answer-files": samples.upload("outil.exe", samples.exe())},
    )
    assert response.status_code == 400
    assert "exécutables" in response.content.decode()
    request.refresh_from_db()
    assert request.is_open
    assert not Piece.objects.filter(dossier=dossier).exists()


def test_a_request_of_another_dossier_is_a_404(client, people):
    """A request id of another dossier, read or answered through this one, is a 404."""
    dossier, cast, _request = people
    other = at_state(DossierFactory(call=dossier.call), S.EVALUATION)
    DossierMember.objects.create(dossier=other, agent=cast["lead"], role=DossierMember.Role.TEAM)
    foreign = InformationRequest.objects.create(dossier=other, text="Autre dossier.")
    client.force_login(cast["lead"])
    assert client.get(url("request", dossier, foreign.pk)).status_code == 404
    response = client.post(url("request", dossier, foreign.pk), {"answer-response": "Voici."})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_open


# --- the consent ---------------------------------------------------------------------------------


def test_the_lead_of_a_promising_project_consents_to_the_registry(client, people):
    """The consent is stored, then withdrawn by posting the form unticked."""
    dossier, cast, _request = people
    at_state(dossier, S.PROMISING)
    client.force_login(cast["lead"])
    assert client.post(url("consent", dossier), {"consent-consent": "on"}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.registry_consent
    assert client.post(url("consent", dossier), {}).status_code == 302
    dossier.refresh_from_db()
    assert not dossier.registry_consent
    client.force_login(cast["team"])
    response = client.post(url("consent", dossier), {"consent-consent": "on"})
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert not dossier.registry_consent


# --- escaping ------------------------------------------------------------------------------------


def test_script_in_opinions_and_requests_is_escaped(client, people):
    """An expert's opinion and comments, a request, the committee's opinion: shown escaped."""
    dossier, cast, request = people
    script = "<script>alert('x')</script>"
    client.force_login(cast["expert"])
    data = score_data(dossier, opinion=script)
    data[f"score-comment_{scored(dossier)[0].pk}"] = script
    assert client.post(url("score", dossier), data).status_code == 302
    InformationRequest.objects.filter(pk=request.pk).update(text=script)
    client.force_login(cast["manager"])
    assert client.post(url("opinion", dossier), {"opinion-text": script}).status_code == 302
    for who in ("manager", "expert"):
        client.force_login(cast[who])
        content = client.get(url("evaluation", dossier)).content.decode()
        assert "<script>alert(" not in content, who
        assert "&lt;script&gt;alert(" in content, who
    client.force_login(cast["lead"])
    content = client.get(url("request", dossier, request.pk)).content.decode()
    assert "<script>alert(" not in content and "&lt;script&gt;alert(" in content


def test_the_team_chooses_the_kind_of_the_files_it_attaches(client, people):
    """A file attached with the kind chosen is stored under that kind, scoped to the request;
    a kind of another call is refused."""
    dossier, cast, request = people
    foreign_kind = DossierFactory().call.piece_kinds.get(code="annexes")
    client.force_login(cast["lead"])
    response = client.post(
        url("request", dossier, request.pk),
        {
            "answer-response": "Voici.",
            "answer-kind": str(foreign_kind.pk),
            "answer-files": samples.upload("budget.pdf", samples.pdf()),
        },
    )
    assert response.status_code == 400
    assert not Piece.objects.filter(dossier=dossier).exists()
    presentation = dossier.call.piece_kinds.get(code="presentation")
    response = client.post(
        url("request", dossier, request.pk),
        {
            "answer-response": "Voici.",
            "answer-kind": str(presentation.pk),
            "answer-files": samples.upload("presentation.pdf", samples.pdf()),
        },
    )
    assert response.status_code == 302
    piece = Piece.objects.get(dossier=dossier)
    assert piece.kind == presentation and piece.request == request
