"""The directory's demo loader: services and agents only, idempotent, never in production."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from communities.models import Community
from directory.demo import load_demo_agents
from directory.models import Agent, Service

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = {
    "admin@demo.gouv.fr": "admin",
    "sgar.bretagne@demo.gouv.fr": "sgar",
    "animateur@demo.gouv.fr": "agent",
    "agent@demo.gouv.fr": "agent",
}


def _snapshot():
    return (
        list(
            Service.objects.order_by("slug").values_list("slug", "region__code", "department__code")
        ),
        list(
            Agent.objects.order_by("email").values_list(
                "email", "first_name", "service__slug", "password"
            )
        ),
    )


def test_demo_data_loads_services_and_agents_in_the_four_territories():
    """Demo data: about sixty agents in Bretagne, BFC, Occitanie and the Lot, and the demo accounts."""
    load_demo_agents()
    assert 55 <= Agent.objects.count() <= 65
    regions = set(Service.objects.values_list("region__name", flat=True))
    assert regions == {"Bretagne", "Bourgogne-Franche-Comté", "Occitanie"}
    assert Service.objects.filter(department__code="46").count() >= 3
    for email, role in DEMO_ACCOUNTS.items():
        agent = Agent.objects.get(email=email)
        assert agent.role == role
        assert agent.check_password("maillage-demo")
    assert Agent.objects.get(email="agent@demo.gouv.fr").service.kind.code == "DDTM"
    assert Agent.objects.get(email="sgar.bretagne@demo.gouv.fr").sgar_region.name == "Bretagne"


def test_directory_demo_loads_only_the_directory():
    """The directory's loader makes services and agents, and no community: the platform's
    command runs the other apps' loaders."""
    load_demo_agents()
    assert Agent.objects.filter(email__endswith="@demo.gouv.fr").exists()
    assert not Community.objects.exists()


def test_demo_data_twice_changes_nothing():
    """Loading the demo data a second time changes no row."""
    load_demo_agents()
    before = _snapshot()
    load_demo_agents()
    assert _snapshot() == before


def test_directory_demo_is_refused_under_production_settings(settings):
    """DEMO_DATA_ALLOWED false (production): the loader refuses and writes nothing."""
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(ImproperlyConfigured):
        load_demo_agents()
    assert not Agent.objects.filter(email__endswith="@demo.gouv.fr").exists()
