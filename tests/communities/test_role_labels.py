"""Role labels that do not assume the masculine: « Animation » and « Membre », wherever a role is
shown (issue 13, item 10)."""

import re

import pytest

from communities.models import Membership
from tests.factories import AgentFactory, CommunityFactory, MembershipFactory


@pytest.fixture
def animator(db):
    return AgentFactory()


@pytest.fixture
def open_community(animator):
    community = CommunityFactory(open=True)
    MembershipFactory(community=community, agent=animator, animator=True)
    return community


def test_the_role_labels_are_neutral():
    """The roles are named « Membre » and « Animation », never « Animateur »."""
    assert Membership.Role.ANIMATOR.label == "Animation"
    assert Membership.Role.MEMBER.label == "Membre"


def test_the_platform_roles_and_the_exclusion_are_neutral_too():
    """The platform roles shown on profiles and the banned state name a function, not a man."""
    from directory.models import Agent

    assert Agent.Role.SGAR.label == "Mission numérique du SGAR"
    assert Agent.Role.ADMIN.label == "Administration de la plateforme"
    assert Membership.State.BANNED.label == "Exclusion"


def test_members_page_and_cards_show_the_neutral_role(client, animator, open_community):
    """The members page and the communities' cards label the animator's role « Animation »."""
    MembershipFactory(community=open_community)
    client.force_login(animator)
    members = client.get(f"/communautes/{open_community.slug}/membres/").content.decode()
    roles = re.findall(r'data-testid="member-role">(.*?)</td>', members, re.S)
    assert any(">Animation</span>" in role for role in roles)
    assert any(role.strip() == "Membre" for role in roles)
    assert "Animateur" not in members and "Nommer animateur" not in members
    assert "Confier l&#x27;animation" in members or "Confier l'animation" in members
    cards = client.get("/communautes/").content.decode()
    assert 'data-testid="role-badge">Animation</span>' in cards
    assert "Animateur<" not in cards


def test_a_community_without_animators_says_so_neutrally(client, agent):
    """A community left without animators says nobody animates it, in neutral French."""
    community = CommunityFactory()
    client.force_login(agent)
    text = client.get(community.get_absolute_url()).content.decode()
    assert "Personne n&#x27;anime encore cette communauté." in text or (
        "Personne n'anime encore cette communauté." in text
    )
    assert "Aucun animateur" not in text
