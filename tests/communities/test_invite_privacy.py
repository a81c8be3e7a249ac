"""The animators' invitation search shows and matches only what the directory may show the animator:
names always, an e-mail address only where its owner's setting lets the animator see it, and only
agents the animator may see at all."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Membership
from tests.factories import (
    AgentFactory,
    CommunityFactory,
    ExternalAgentFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db

EMAIL = "zk42.contact@ddtm.gouv.fr"
SEARCHES = {"name": "kerv", "fragment": "zk42", "address": EMAIL}

# Rows: the candidate's e-mail visibility (and whether they share an active community with the
# animator); columns: what the animator types. Each answer: is the candidate listed, is their
# address in the label. Written out, not computed.
MATRIX = {
    "all": {
        "name": ("listed", "shown"),
        "fragment": ("listed", "shown"),
        "address": ("listed", "shown"),
    },
    "communities_shared": {
        "name": ("listed", "shown"),
        "fragment": ("listed", "shown"),
        "address": ("listed", "shown"),
    },
    "communities_not_shared": {
        "name": ("listed", "hidden"),
        "fragment": ("absent", "hidden"),
        "address": ("absent", "hidden"),
    },
    "nobody": {
        "name": ("listed", "hidden"),
        "fragment": ("absent", "hidden"),
        "address": ("absent", "hidden"),
    },
}
CASES = [(setting, search, *MATRIX[setting][search]) for setting in MATRIX for search in SEARCHES]
LABEL = re.compile(r'<label class="fr-label"\s+for="id_agents_\d+">\s*(.*?)\s*</label>', re.S)


def invite_url(community):
    return reverse("communities:invite", args=[community.slug])


def labels(response):
    return [unescape(label) for label in LABEL.findall(response.content.decode())]


@pytest.fixture
def animator():
    return AgentFactory(first_name="Nathalie", last_name="Moreau")


@pytest.fixture
def private(animator):
    community = CommunityFactory(name="Innov@teurs", private_listed=True)
    MembershipFactory(community=community, agent=animator, animator=True)
    return community


def candidate_with(setting, animator):
    """An agent outside the community, with the e-mail visibility of the matrix's row."""
    candidate = AgentFactory(
        first_name="Zoé",
        last_name="Kerven",
        email=EMAIL,
        email_visibility=setting.removesuffix("_shared").removesuffix("_not_shared"),
    )
    elsewhere = CommunityFactory(name="Eau", open=True)
    MembershipFactory(community=elsewhere, agent=candidate)
    if setting == "communities_shared":
        MembershipFactory(community=elsewhere, agent=animator)
    return candidate


@pytest.mark.parametrize(("setting", "search", "listed", "email"), CASES)
def test_invite_search_follows_the_e_mail_visibility(
    client, animator, private, setting, search, listed, email
):
    """The candidate is listed and their address shown exactly when the matrix says so."""
    candidate = candidate_with(setting, animator)
    client.force_login(animator)
    response = client.get(invite_url(private), {"q": SEARCHES[search]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    found = labels(response)
    assert ("listed" if found else "absent") == listed, found
    if found:
        expected = f"Zoé Kerven — {candidate.service.short_name}"
        assert found == [f"{expected} ({EMAIL})" if email == "shown" else expected]
    if search != "address":  # the address typed is echoed in the search box, nowhere else
        assert (EMAIL in response.content.decode()) == (email == "shown")


def test_hidden_address_stays_hidden_on_the_full_page_and_after_a_post(client, animator, private):
    """A candidate picked by name keeps a hidden address out of the page, even when the form is
    sent back with an error."""
    candidate = candidate_with("nobody", animator)
    client.force_login(animator)
    page = client.get(invite_url(private), {"q": "Zoé"})
    assert "Zoé Kerven" in unescape(page.content.decode())
    assert EMAIL not in page.content.decode()
    response = client.post(
        invite_url(private), {"agents": [candidate.pk], "email": "pas-une-adresse"}
    )
    assert response.status_code == 400
    assert "Zoé Kerven" in unescape(response.content.decode())
    assert EMAIL not in response.content.decode()


def test_platform_admin_sees_every_address(client, private):
    """A platform administrator sees every address in the directory, so in the chooser too."""
    admin = AgentFactory(platform_admin=True)
    candidate_with("nobody", admin)
    client.force_login(admin)
    response = client.get(invite_url(private), {"q": "zk42"}, HTTP_HX_REQUEST="true")
    assert [label.endswith(f"({EMAIL})") for label in labels(response)] == [True]


def test_external_animator_lists_only_the_agents_they_may_see(client, private):
    """An external partner who animates a community finds the members of their communities, not
    every agent; an agent out of their sight cannot be picked by a forged id either."""
    partner = ExternalAgentFactory(first_name="Paul", last_name="Partenaire")
    MembershipFactory(community=private, agent=partner, animator=True)
    other = CommunityFactory(name="Eau", private_listed=True)
    MembershipFactory(community=other, agent=partner)
    colleague = AgentFactory(first_name="Gwenaëlle", last_name="Voisine")
    MembershipFactory(community=other, agent=colleague)
    stranger = AgentFactory(first_name="Gwenaëlle", last_name="Inconnue")
    client.force_login(partner)
    response = client.get(invite_url(private), {"q": "gwenaëlle"}, HTTP_HX_REQUEST="true")
    found = labels(response)
    assert len(found) == 1 and found[0].startswith("Gwenaëlle Voisine")
    assert "Inconnue" not in unescape(response.content.decode())
    forged = client.post(invite_url(private), {"agents": [stranger.pk]})
    assert forged.status_code == 400
    assert not Membership.objects.filter(agent=stranger).exists()
    invited = client.post(invite_url(private), {"agents": [colleague.pk]})
    assert invited.status_code == 302
    assert Membership.objects.get(community=private, agent=colleague).state == (
        Membership.State.INVITED
    )


def test_invite_search_query_count_does_not_grow(client, animator, private):
    """Visibility is decided in SQL: ten results cost the same queries as one."""
    client.force_login(animator)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(invite_url(private), {"q": "kerv"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        return len(captured), len(labels(response))

    AgentFactory(last_name="Kerven", email_visibility="nobody")
    one, found = queries()
    assert found == 1
    for setting in ("all", "communities", "nobody") * 3:
        AgentFactory(last_name="Kervella", email_visibility=setting)
    assert queries() == (one, 10)
