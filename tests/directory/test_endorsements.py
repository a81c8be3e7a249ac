"""Endorsements (« recommandations »): any agent may recommend another's skill once, and withdraw
it; the profile shows the counts and who recommended."""

from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from taggit.models import Tag

from directory import services
from directory.models import Endorsement
from tests.directory.profile_helpers import profile_data
from tests.factories import AgentFactory, ExternalAgentFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def anne():
    return AgentFactory(
        first_name="Anne", last_name="Martin", skills=["urbanisme", "droit des sols"]
    )


@pytest.fixture
def bruno():
    return AgentFactory(first_name="Bruno", last_name="Durand")


def tag(name):
    return Tag.objects.get(name=name)


def endorse_url(agent):
    return f"/agents/{agent.pk}/recommander/"


def signed_in(agent):
    client = Client()
    client.force_login(agent)
    return client


def page(client, agent):
    response = client.get(f"/agents/{agent.pk}/")
    assert response.status_code == 200
    return unescape(response.content.decode())


# --- the services ----------------------------------------------------------------------------


def test_endorse_creates_one_endorsement(anne, bruno):
    """An agent recommends a colleague's skill: one row."""
    services.skill_endorse(agent=anne, endorser=bruno, tag=tag("urbanisme"))
    assert Endorsement.objects.filter(agent=anne, endorser=bruno, tag=tag("urbanisme")).count() == 1


def test_no_self_endorsement(anne):
    """Nobody recommends their own skills."""
    with pytest.raises(ValidationError, match="vos propres compétences"):
        services.skill_endorse(agent=anne, endorser=anne, tag=tag("urbanisme"))
    assert not Endorsement.objects.exists()


def test_once_per_skill_per_endorser(anne, bruno):
    """A second recommendation of the same skill by the same agent is refused in French, without
    a duplicate (the unique constraint decides, as in a race between two requests)."""
    services.skill_endorse(agent=anne, endorser=bruno, tag=tag("urbanisme"))
    with pytest.raises(ValidationError, match="déjà recommandé"):
        services.skill_endorse(agent=anne, endorser=bruno, tag=tag("urbanisme"))
    assert Endorsement.objects.count() == 1
    # Another skill, or another endorser, is another recommendation.
    services.skill_endorse(agent=anne, endorser=bruno, tag=tag("droit des sols"))
    services.skill_endorse(agent=anne, endorser=AgentFactory(), tag=tag("urbanisme"))
    assert Endorsement.objects.count() == 3


def test_skill_not_held_is_refused(anne, bruno):
    """Only a skill the agent has on their profile can be recommended."""
    AgentFactory(skills=["cartographie"])
    with pytest.raises(ValidationError, match="ne figure pas"):
        services.skill_endorse(agent=anne, endorser=bruno, tag=tag("cartographie"))


def test_withdraw(anne, bruno):
    """The endorser withdraws their recommendation; withdrawing again says there is none."""
    services.skill_endorse(agent=anne, endorser=bruno, tag=tag("urbanisme"))
    services.skill_endorsement_withdraw(agent=anne, endorser=bruno, tag=tag("urbanisme"))
    assert not Endorsement.objects.exists()
    with pytest.raises(ValidationError, match="n'aviez pas recommandé"):
        services.skill_endorsement_withdraw(agent=anne, endorser=bruno, tag=tag("urbanisme"))


def test_closed_accounts_neither_endorse_nor_are_endorsed(anne, bruno):
    """A closed account cannot recommend, and a closed account's skills cannot be recommended."""
    closed = AgentFactory()
    services.agent_close_account(agent=closed)
    with pytest.raises(ValidationError):
        services.skill_endorse(agent=anne, endorser=closed, tag=tag("urbanisme"))
    services.agent_close_account(agent=anne)
    with pytest.raises(ValidationError):
        services.skill_endorse(agent=anne, endorser=bruno, tag=tag("urbanisme"))
    assert not Endorsement.objects.exists()


def test_closing_an_account_removes_its_endorsements(anne, bruno):
    """Closing an account removes the recommendations it gave and received."""
    bruno.skills.set(["cartographie"])
    services.skill_endorse(agent=anne, endorser=bruno, tag=tag("urbanisme"))
    services.skill_endorse(agent=bruno, endorser=anne, tag=tag("cartographie"))
    services.agent_close_account(agent=bruno)
    assert not Endorsement.objects.exists()


def test_external_user_endorses_only_members_of_their_communities(anne):
    """An external user recommends a fellow member, not the rest of the directory."""
    external = ExternalAgentFactory()
    with pytest.raises(ValidationError):
        services.skill_endorse(agent=anne, endorser=external, tag=tag("urbanisme"))
    membership = MembershipFactory(agent=anne)
    MembershipFactory(agent=external, community=membership.community)
    services.skill_endorse(agent=anne, endorser=external, tag=tag("urbanisme"))
    assert Endorsement.objects.count() == 1


def test_removing_a_skill_removes_its_endorsements(anne, bruno):
    """A skill taken off the profile (by the form, or any other way) loses its recommendations;
    the other skills keep theirs."""
    services.skill_endorse(agent=anne, endorser=bruno, tag=tag("urbanisme"))
    services.skill_endorse(agent=anne, endorser=bruno, tag=tag("droit des sols"))
    client = signed_in(anne)
    response = client.post(
        f"/agents/{anne.pk}/modifier/", profile_data(anne, skills="droit des sols, cartographie")
    )
    assert response.status_code == 302
    assert list(Endorsement.objects.values_list("tag__name", flat=True)) == ["droit des sols"]
    anne.skills.clear()
    assert not Endorsement.objects.exists()


# --- the view --------------------------------------------------------------------------------


def test_endorse_is_post_only(anne, bruno):
    """GET on the endorse URL answers 405."""
    assert signed_in(bruno).get(endorse_url(anne)).status_code == 405


def test_anonymous_post_is_sent_to_sign_in(client, anne):
    """An anonymous POST goes to the sign-in page and recommends nothing."""
    response = client.post(endorse_url(anne), {"skill": tag("urbanisme").pk, "action": "endorse"})
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")
    assert not Endorsement.objects.exists()


def test_endorse_without_javascript_redirects_with_a_message(anne, bruno):
    """Without htmx, the form posts and the profile comes back with a message."""
    client = signed_in(bruno)
    skill = tag("urbanisme")
    response = client.post(endorse_url(anne), {"skill": skill.pk, "action": "endorse"})
    assert response.status_code == 302
    assert response["Location"] == f"/agents/{anne.pk}/#competence-{skill.pk}"
    html = unescape(client.get(response["Location"]).content.decode())
    assert "Votre recommandation est enregistrée." in html
    assert "Retirer ma recommandation" in html


def test_endorse_with_htmx_returns_the_skill_fragment(anne, bruno):
    """With htmx, only that skill's fragment comes back, with the new count and the withdraw
    button."""
    client = signed_in(bruno)
    skill = tag("urbanisme")
    response = client.post(
        endorse_url(anne), {"skill": skill.pk, "action": "endorse"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert html.lstrip().startswith(f'<li id="competence-{skill.pk}"')
    assert "<html" not in html
    assert "1 recommandation" in html
    assert "Bruno Durand" in html
    assert "Retirer ma recommandation" in html
    response = client.post(
        endorse_url(anne), {"skill": skill.pk, "action": "withdraw"}, headers={"HX-Request": "true"}
    )
    html = unescape(response.content.decode())
    assert "Aucune recommandation" in html
    assert ">Recommander<" in html
    assert not Endorsement.objects.exists()


def test_second_endorsement_by_htmx_shows_the_message_in_the_fragment(anne, bruno):
    """A second click (another tab) gets the French message in the fragment, no duplicate."""
    client = signed_in(bruno)
    data = {"skill": tag("urbanisme").pk, "action": "endorse"}
    client.post(endorse_url(anne), data)
    response = client.post(endorse_url(anne), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Vous avez déjà recommandé la compétence « urbanisme »." in unescape(
        response.content.decode()
    )
    assert Endorsement.objects.count() == 1


def test_self_endorsement_by_post_is_refused(anne):
    """The agent posting on their own skill gets a French error, no row."""
    client = signed_in(anne)
    response = client.post(endorse_url(anne), {"skill": tag("urbanisme").pk, "action": "endorse"})
    assert response.status_code == 302
    html = unescape(client.get(response["Location"]).content.decode())
    assert "Vous ne pouvez pas recommander vos propres compétences." in html
    assert not Endorsement.objects.exists()


@pytest.mark.parametrize("skill", ["", "abc", "999999", "-1", "1.5", "' OR 1=1 --"])
def test_bad_skill_is_refused_without_error(anne, bruno, skill):
    """A missing, malformed or unknown skill answers with a French message, never a 500."""
    client = signed_in(bruno)
    response = client.post(endorse_url(anne), {"skill": skill, "action": "endorse"})
    assert response.status_code == 302
    html = unescape(client.get(response["Location"]).content.decode())
    assert "ne figure pas sur le profil" in html
    assert not Endorsement.objects.exists()


def test_bad_skill_by_htmx_is_a_plain_text_bad_request(bruno):
    """With htmx there is no fragment to swap: 400 in plain text, the name quoted inert."""
    agent = AgentFactory(first_name="<script>alert(1)</script>", skills=["urbanisme"])
    response = signed_in(bruno).post(
        endorse_url(agent), {"skill": "abc", "action": "endorse"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_skill_of_someone_else_is_refused(anne, bruno):
    """A real skill that this agent does not have is refused."""
    AgentFactory(skills=["cartographie"])
    client = signed_in(bruno)
    client.post(endorse_url(anne), {"skill": tag("cartographie").pk, "action": "endorse"})
    assert not Endorsement.objects.exists()


@pytest.mark.parametrize("action", ["", "delete", "ENDORSE"])
def test_unknown_action_is_a_bad_request(anne, bruno, action):
    """An unknown action answers 400."""
    response = signed_in(bruno).post(
        endorse_url(anne), {"skill": tag("urbanisme").pk, "action": action}
    )
    assert response.status_code == 400
    assert not Endorsement.objects.exists()


def test_external_user_gets_404_outside_their_communities(anne):
    """An external user may not reach, hence not endorse, a profile outside their communities."""
    response = signed_in(ExternalAgentFactory()).post(
        endorse_url(anne), {"skill": tag("urbanisme").pk, "action": "endorse"}
    )
    assert response.status_code == 404
    assert not Endorsement.objects.exists()


def test_unknown_agent_is_404(bruno):
    """Endorsing on an agent that does not exist answers 404."""
    response = signed_in(bruno).post(
        "/agents/999999/recommander/", {"skill": 1, "action": "endorse"}
    )
    assert response.status_code == 404


# --- the profile shows counts and endorsers --------------------------------------------------


def test_profile_shows_counts_and_endorsers(anne, bruno):
    """Each skill shows its number of recommendations and, on expanding, who recommended, with
    links to their profiles."""
    chloe = AgentFactory(first_name="Chloé", last_name="Bernard")
    services.skill_endorse(agent=anne, endorser=bruno, tag=tag("urbanisme"))
    services.skill_endorse(agent=anne, endorser=chloe, tag=tag("urbanisme"))
    html = page(signed_in(AgentFactory()), anne)
    urbanisme = html[html.index('data-skill="urbanisme"') :]
    assert "2 recommandations" in urbanisme
    assert f'<a href="/agents/{bruno.pk}/">Bruno Durand</a>' in urbanisme
    assert f'<a href="/agents/{chloe.pk}/">Chloé Bernard</a>' in urbanisme
    droit = html[html.index('data-skill="droit des sols"') : html.index('data-skill="urbanisme"')]
    assert "Aucune recommandation" in droit
    assert "<details" in urbanisme


def test_buttons_follow_the_viewers_endorsements(anne, bruno):
    """The viewer sees « Retirer ma recommandation » on what they recommended and « Recommander »
    elsewhere; the agent sees no button on their own profile."""
    services.skill_endorse(agent=anne, endorser=bruno, tag=tag("urbanisme"))
    html = page(signed_in(bruno), anne)
    droit = html[html.index('data-skill="droit des sols"') : html.index('data-skill="urbanisme"')]
    urbanisme = html[html.index('data-skill="urbanisme"') :]
    assert ">Recommander<" in droit
    assert "Retirer ma recommandation" in urbanisme
    own = page(signed_in(anne), anne)
    assert ">Recommander<" not in own
    assert "Retirer ma recommandation" not in own
    assert "1 recommandation" in own


def test_closed_endorsers_are_not_counted(anne, bruno):
    """A recommendation whose author closed their account no longer counts."""
    Endorsement.objects.create(agent=anne, endorser=bruno, tag=tag("urbanisme"))
    type(bruno).objects.filter(pk=bruno.pk).update(closed_at=bruno.date_joined)
    html = page(signed_in(AgentFactory()), anne)
    urbanisme = html[html.index('data-skill="urbanisme"') :]
    assert "Aucune recommandation" in urbanisme
    assert "1 recommandation" not in html


def test_external_viewer_sees_only_endorsers_of_their_communities(anne, bruno):
    """An external user sees the count, but the names of endorsers outside their communities are
    replaced by a number."""
    membership = MembershipFactory(agent=anne)
    external = ExternalAgentFactory()
    MembershipFactory(agent=external, community=membership.community)
    services.skill_endorse(agent=anne, endorser=bruno, tag=tag("urbanisme"))
    html = page(signed_in(external), anne)
    urbanisme = html[html.index('data-skill="urbanisme"') :]
    assert "1 recommandation" in urbanisme
    assert "Bruno Durand" not in html
    assert "1 agent hors de vos communautés" in urbanisme


def test_retyping_a_skill_in_another_case_keeps_its_endorsements(anne, bruno):
    """Skills match without regard to case: « Urbanisme » typed again is the same skill, and its
    recommendations stay."""
    services.skill_endorse(agent=anne, endorser=bruno, tag=tag("urbanisme"))
    response = signed_in(anne).post(
        f"/agents/{anne.pk}/modifier/", profile_data(anne, skills="Urbanisme, droit des sols")
    )
    assert response.status_code == 302
    assert Endorsement.objects.count() == 1
