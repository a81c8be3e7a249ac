"""The platform's demo commands: load_demo_data runs each app's loader in order, idempotent and
refused under production settings; demo_accounts prints the accounts make run announces."""

import pytest
from django.core.management import CommandError, call_command

from chat.models import Message
from communities.demo import COMMUNITIES
from communities.models import Community, Membership
from directory.models import Agent, Service

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = (
    "admin@demo.gouv.fr",
    "sgar.bretagne@demo.gouv.fr",
    "animateur@demo.gouv.fr",
    "agent@demo.gouv.fr",
)


def _counts():
    return (
        Service.objects.count(),
        list(Agent.objects.order_by("email").values_list("email", "service__slug", "password")),
        Community.objects.count(),
        Membership.objects.count(),
        Message.objects.count(),
    )


def test_demo_data_loads_agents_then_communities_then_conversations(capsys):
    """One command loads the directory's agents, the communities they join and the
    conversations of their rooms, and says how many services and agents there are."""
    call_command("load_demo_data")
    agents = Agent.objects.filter(email__endswith="@demo.gouv.fr").count()
    assert 55 <= agents <= 65
    assert Community.objects.filter(slug__in=[spec["slug"] for spec in COMMUNITIES]).count() == (
        len(COMMUNITIES)
    )
    assert Message.objects.filter(
        room__community__slug__in=[s["slug"] for s in COMMUNITIES]
    ).exists()
    out = capsys.readouterr().out
    assert f"Données de démonstration : {Service.objects.count()} services, {agents} agents" in out


def test_demo_data_twice_changes_nothing():
    """A second load adds no service, agent, community, membership or message."""
    call_command("load_demo_data")
    before = _counts()
    call_command("load_demo_data")
    assert _counts() == before


def test_demo_data_is_refused_under_production_settings(settings):
    """DEMO_DATA_ALLOWED false (production): the command refuses in French and writes nothing."""
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="Les données de démonstration sont interdites"):
        call_command("load_demo_data")
    assert not Agent.objects.filter(email__endswith="@demo.gouv.fr").exists()


def test_demo_accounts_are_printed(capsys):
    """The command make run calls prints the address and every demo account."""
    call_command("demo_accounts", url="http://127.0.0.1:8123/")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8123/" in out and "maillage-demo" in out
    for email in DEMO_ACCOUNTS:
        assert email in out


def test_demo_data_runs_what_the_apps_registered_in_order(capsys):
    """The command names no app: it runs the loaders the apps registered (maillage.demo), by
    order, and a new app's loader takes its place among them."""
    from maillage import demo

    assert [entry.key for entry in demo.loaders()] == [
        "directory.demo.load_demo_agents",
        "communities.demo.load_demo_communities",
        "chat.demo.load_demo_chat",
        "forums.demo.load_demo_forums",
        "wiki.demo.load_demo_wiki",
        "documents.demo.load_demo_documents",
        "ideas.demo.load_demo_ideas",
        "calls.demo.load_demo_calls",
        "search.demo.index_demo",
    ]
    seen = []

    def load_demo_forums():
        seen.append(Agent.objects.filter(email__endswith="@demo.gouv.fr").exists())
        seen.append(Community.objects.exists())

    saved = dict(demo._loaders)
    try:
        demo.register(15, load_demo_forums, summary=lambda: "3 forums")
        call_command("load_demo_data")
    finally:
        demo._loaders.clear()
        demo._loaders.update(saved)
    # After the agents, before the communities.
    assert seen == [True, False]
    assert "agents, 3 forums," in capsys.readouterr().out
