"""The personas of the permission matrices (``tests/personas.py``) are in the states they name."""

import pytest

from communities.models import Community, Membership
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_each_persona_has_the_membership_its_name_says(personas):
    """Members, the requester, the banned agent belong to the community in their state; the
    outsider, the external partner and the admin do not; each persona is created once."""
    memberships = {
        state: Membership.objects.filter(community=personas.community, agent=personas[state])
        .values_list("state", "role", "charter_accepted_id")
        .first()
        for state in Personas.STATES
        if state != "anonymous"
    }
    charter = personas.community.current_charter_id
    assert memberships == {
        "outsider": None,
        "external": None,
        "requested": (Membership.State.REQUESTED, Membership.Role.MEMBER, None),
        "member_without_charter": (Membership.State.ACTIVE, Membership.Role.MEMBER, None),
        "member": (Membership.State.ACTIVE, Membership.Role.MEMBER, charter),
        "animator": (Membership.State.ACTIVE, Membership.Role.ANIMATOR, charter),
        "admin": None,
        "banned": (Membership.State.BANNED, Membership.Role.MEMBER, None),
    }
    assert personas.anonymous.is_anonymous
    assert personas.external.is_external and personas.external.memberships.exists()
    assert personas.admin.is_platform_admin
    assert personas["member"] is personas.member


def test_the_community_can_be_private_archived_or_without_a_tool(make_personas):
    """``make_personas`` takes the community's traits; ``archive`` and ``tool_off`` save."""
    personas = make_personas(private_listed=True)
    assert personas.community.visibility == Community.Visibility.PRIVATE_LISTED
    personas.archive()
    personas.tool_off("forum")
    personas.community.refresh_from_db()
    assert personas.community.archived_at is not None
    assert not personas.community.tool_forum and personas.community.tool_wiki
    with pytest.raises(AttributeError):
        personas.tool_off("nothing")
