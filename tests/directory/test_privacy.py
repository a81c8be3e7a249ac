"""Who sees an agent's phone number and e-mail address: the agent's own setting, applied by
``directory.permissions.can_see_contact`` on the profile page, in the vCard and in SQL for lists."""

from html import unescape

import pytest
from django.test import Client

from communities import services as community_services
from communities.models import Community, Membership
from directory.models import Agent
from directory.permissions import (
    can_see_contact,
    contact_visibility,
    contact_visible_q,
    with_contact_visibility,
)
from tests.factories import (
    AgentFactory,
    CommunityFactory,
    ExternalAgentFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db

PHONE = "02 99 11 22 33"
EMAIL = "anne.martin@ddtm.gouv.fr"
VIEWERS = ["self", "admin", "shares_community", "no_shared_community", "external_shared", "anon"]

# Rows: who looks; columns: the agent's phone_visibility. Written out, not computed.
PHONE_MATRIX = {
    #                      all        communities  nobody
    "self": {"all": "visible", "communities": "visible", "nobody": "visible"},
    "admin": {"all": "visible", "communities": "visible", "nobody": "visible"},
    "shares_community": {"all": "visible", "communities": "visible", "nobody": "hidden"},
    "no_shared_community": {"all": "visible", "communities": "hidden", "nobody": "hidden"},
    "external_shared": {"all": "visible", "communities": "visible", "nobody": "hidden"},
    "anon": {"all": "hidden", "communities": "hidden", "nobody": "hidden"},
}
CASES = [
    (viewer, setting, PHONE_MATRIX[viewer][setting])
    for viewer in VIEWERS
    for setting in ("all", "communities", "nobody")
]


@pytest.fixture
def people():
    anne = AgentFactory(
        email=EMAIL, first_name="Anne", last_name="Martin", phone=PHONE, position="Instructrice"
    )
    community = CommunityFactory(name="Eau", visibility=Community.Visibility.PRIVATE_LISTED)
    MembershipFactory(community=community, agent=anne)
    colleague = AgentFactory(first_name="Colette", last_name="Membre")
    MembershipFactory(community=community, agent=colleague)
    stranger = AgentFactory(first_name="Sacha", last_name="Ailleurs")
    MembershipFactory(agent=stranger)  # a member of another community only
    external = ExternalAgentFactory(first_name="Paul", last_name="Partenaire")
    MembershipFactory(community=community, agent=external)
    admin = AgentFactory(platform_admin=True, first_name="Ada", last_name="Admin")
    return {
        "agent": anne,
        "community": community,
        "self": anne,
        "admin": admin,
        "shares_community": colleague,
        "no_shared_community": stranger,
        "external_shared": external,
        "anon": None,
    }


def client_for(viewer):
    client = Client()
    if viewer is not None:
        client.force_login(viewer)
    return client


def set_visibility(agent, phone=None, email=None):
    if phone:
        agent.phone_visibility = phone
    if email:
        agent.email_visibility = email
    agent.save()


@pytest.mark.parametrize(("viewer", "setting", "expected"), CASES)
def test_phone_on_the_profile_page(people, viewer, setting, expected):
    """The phone number is on the profile page exactly when the matrix says so."""
    set_visibility(people["agent"], phone=setting)
    response = client_for(people[viewer]).get(f"/agents/{people['agent'].pk}/")
    html = unescape(response.content.decode())
    if viewer == "anon":
        assert response.status_code == 302
    else:
        assert response.status_code == 200
    shown = "visible" if PHONE in html else "hidden"
    assert shown == expected
    if expected == "hidden" and viewer != "anon":
        assert "Téléphone non communiqué" in html


@pytest.mark.parametrize(("viewer", "setting", "expected"), CASES)
def test_phone_in_the_vcard(people, viewer, setting, expected):
    """The vCard has a TEL line exactly when the matrix says so."""
    set_visibility(people["agent"], phone=setting)
    response = client_for(people[viewer]).get(f"/agents/{people['agent'].pk}/vcard.vcf")
    body = response.content.decode()
    if viewer == "anon":
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        assert "BEGIN:VCARD" in body
    shown = "visible" if f"TEL;TYPE=WORK,VOICE:{PHONE}" in body else "hidden"
    assert shown == expected
    assert (PHONE in body) == (expected == "visible")


@pytest.mark.parametrize(("viewer", "setting", "expected"), CASES)
def test_phone_by_the_policy_and_in_sql(people, viewer, setting, expected):
    """can_see_contact, contact_visibility and the SQL helpers give the same answer."""
    from django.contrib.auth.models import AnonymousUser

    set_visibility(people["agent"], phone=setting)
    who = people[viewer] or AnonymousUser()
    agent = Agent.objects.get(pk=people["agent"].pk)
    assert ("visible" if can_see_contact(who, agent, "phone") else "hidden") == expected
    assert ("visible" if contact_visibility(who, agent)["phone"] else "hidden") == expected
    in_sql = Agent.objects.filter(contact_visible_q(who, "phone"), pk=agent.pk).exists()
    assert ("visible" if in_sql else "hidden") == expected
    annotated = with_contact_visibility(who, Agent.objects.filter(pk=agent.pk)).get()
    assert ("visible" if annotated.can_see_phone else "hidden") == expected


EMAIL_MATRIX = {
    "self": {"all": "visible", "communities": "visible", "nobody": "visible"},
    "admin": {"all": "visible", "communities": "visible", "nobody": "visible"},
    "shares_community": {"all": "visible", "communities": "visible", "nobody": "hidden"},
    "no_shared_community": {"all": "visible", "communities": "hidden", "nobody": "hidden"},
    "external_shared": {"all": "visible", "communities": "visible", "nobody": "hidden"},
    "anon": {"all": "hidden", "communities": "hidden", "nobody": "hidden"},
}


@pytest.mark.parametrize(
    ("viewer", "setting", "expected"),
    [(v, s, EMAIL_MATRIX[v][s]) for v in VIEWERS for s in ("all", "communities", "nobody")],
)
def test_email_follows_its_own_setting(people, viewer, setting, expected):
    """The e-mail address follows email_visibility, on the page and in the vCard, whatever the
    phone's setting."""
    agent = people["agent"]
    set_visibility(agent, email=setting, phone="nobody" if setting != "nobody" else "all")
    client = client_for(people[viewer])
    page = unescape(client.get(f"/agents/{agent.pk}/").content.decode())
    card = client.get(f"/agents/{agent.pk}/vcard.vcf").content.decode()
    assert ("visible" if EMAIL in page else "hidden") == expected
    assert ("visible" if f"EMAIL;TYPE=INTERNET,WORK:{EMAIL}" in card else "hidden") == expected


# --- what counts as a shared community ------------------------------------------------------------


@pytest.mark.parametrize("state", ["requested", "invited", "banned"])
def test_pending_or_banned_membership_is_not_shared(people, state):
    """Only active memberships count: a pending or banned member does not see a
    « communities » phone."""
    set_visibility(people["agent"], phone="communities")
    pending = AgentFactory()
    MembershipFactory(community=people["community"], agent=pending, **{state: True})
    assert can_see_contact(pending, people["agent"], "phone") is False
    page = unescape(client_for(pending).get(f"/agents/{people['agent'].pk}/").content.decode())
    assert PHONE not in page


def test_animators_community_counts_as_shared():
    """Two animators of different communities share the built-in animators' community."""
    admin = AgentFactory(platform_admin=True)
    anne = AgentFactory(phone=PHONE, phone_visibility="communities")
    bruno = AgentFactory()
    for name, animator in (("Eau", anne), ("Forêt", bruno)):
        community_services.community_create(
            actor=admin,
            animators=[animator],
            name=name,
            description=name,
            objective="Partager",
            kind=Community.Kind.POLICY,
            visibility=Community.Visibility.OPEN,
            scope=Community.Scope.NATIONAL,
        )
    assert (
        Membership.objects.filter(
            community__is_animators_community=True, agent__in=[anne, bruno]
        ).count()
        == 2
    )
    assert can_see_contact(bruno, anne, "phone") is True


def test_closed_account_shows_no_contact_to_others(people):
    """A closed account's contact details are gone; only an administrator opens the profile."""
    from directory.services import agent_close_account

    agent = people["agent"]
    set_visibility(agent, phone="all")
    agent_close_account(agent=agent)
    assert can_see_contact(people["shares_community"], agent, "phone") is False
    assert client_for(people["shares_community"]).get(f"/agents/{agent.pk}/").status_code == 404


def test_inactive_viewer_sees_nothing(people):
    """A deactivated account sees no contact detail, whatever the setting."""
    set_visibility(people["agent"], phone="all", email="all")
    viewer = people["shares_community"]
    viewer.is_active = False
    assert contact_visibility(viewer, people["agent"]) == {"phone": False, "email": False}


def test_unknown_field_is_a_programming_error(people):
    """Asking about another field is refused loudly rather than answered « visible »."""
    with pytest.raises(ValueError):
        can_see_contact(people["admin"], people["agent"], "address")


def test_sql_helper_is_one_query_for_many_agents(people, django_assert_num_queries):
    """The list helper answers for every row in the same query."""
    for _ in range(10):
        AgentFactory(phone=PHONE, phone_visibility="communities")
    viewer = people["shares_community"]
    with django_assert_num_queries(1):
        rows = list(with_contact_visibility(viewer, Agent.objects.all()))
    assert {a.pk for a in rows if a.can_see_phone} == {
        a.pk for a in Agent.objects.all() if can_see_contact(viewer, a, "phone")
    }


@pytest.mark.parametrize("setting", ["all", "communities", "nobody"])
def test_external_user_outside_the_agents_communities_sees_nothing(people, setting):
    """An external user who shares no community cannot open the profile, so sees no contact
    detail, whatever the setting — by the policy and in SQL."""
    set_visibility(people["agent"], phone=setting, email=setting)
    outsider = ExternalAgentFactory()
    MembershipFactory(agent=outsider)  # a member elsewhere
    agent = Agent.objects.get(pk=people["agent"].pk)
    assert contact_visibility(outsider, agent) == {"phone": False, "email": False}
    row = with_contact_visibility(outsider, Agent.objects.filter(pk=agent.pk)).get()
    assert (row.can_see_phone, row.can_see_email) == (False, False)
    assert client_for(outsider).get(f"/agents/{agent.pk}/vcard.vcf").status_code == 404
