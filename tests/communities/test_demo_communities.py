"""The demo communities: made through the services, all kinds and visibilities, idempotent."""

import pytest
from django.core.management import call_command

from communities.demo import COMMUNITIES, load_demo_communities
from communities.models import Announcement, Community, Membership

pytestmark = pytest.mark.django_db


def test_demo_communities_cover_kinds_visibilities_and_the_demo_agent():
    """About twelve communities of the four kinds and visibilities, one archived, with members,
    announcements and the demo agent as member, requester and invitee."""
    call_command("load_demo_data")
    demo = Community.objects.filter(slug__in=[spec["slug"] for spec in COMMUNITIES])
    assert 10 <= demo.count() <= 15
    assert set(demo.values_list("kind", flat=True)) == set(Community.Kind.values)
    assert set(demo.values_list("visibility", flat=True)) == set(Community.Visibility.values)
    assert demo.filter(archived_at__isnull=False).count() == 1
    for community in demo:
        assert 5 <= community.member_count <= 20, community
        assert community.current_charter.number == 1
    assert Announcement.objects.filter(community__in=demo, pinned=True).exists()
    states = set(
        Membership.objects.filter(agent__email="agent@demo.gouv.fr").values_list("state", flat=True)
    )
    assert states == {"active", "requested", "invited"}
    animates = Membership.objects.filter(
        agent__email="animateur@demo.gouv.fr", role="animator", state="active"
    ).count()
    assert animates >= 3
    assert Membership.objects.filter(community__in=demo, charter_accepted__isnull=True).exists()


def test_demo_communities_twice_change_nothing():
    """A second load creates nothing."""
    call_command("load_demo_data")
    before = Membership.objects.count(), Announcement.objects.count(), Community.objects.count()
    assert load_demo_communities() == 0
    call_command("load_demo_data")
    assert (
        Membership.objects.count(),
        Announcement.objects.count(),
        Community.objects.count(),
    ) == before
