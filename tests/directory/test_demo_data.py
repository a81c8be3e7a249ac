import pytest
from django.core.management import call_command

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
    call_command("load_demo_data")
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


def test_demo_data_twice_changes_nothing():
    """Loading the demo data a second time changes no row."""
    call_command("load_demo_data")
    before = _snapshot()
    call_command("load_demo_data")
    assert _snapshot() == before


def test_demo_accounts_are_printed(capsys):
    """The command make run calls prints the address and every demo account."""
    call_command("demo_accounts", url="http://127.0.0.1:8123/")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8123/" in out and "maillage-demo" in out
    for email in DEMO_ACCOUNTS:
        assert email in out
