"""The registry of notification kinds: filled by the apps that produce the events, in a stable
order, with no import of those apps by the notifications."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from notifications import kinds
from notifications.models import Email

NOTIFICATIONS = Path(kinds.__file__).parent
PRODUCERS = ("communities", "chat", "directory")
# The personal-data export's registry lives in the directory for now: notifications registers
# its section there, as every app does (the mechanism, not a producer).
ALLOWED = {("personal_data.py", "directory.personal_data")}


def _imports(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_notifications_import_no_producer():
    """No module of the notifications imports the communities, the chat or the directory."""
    found = [
        (str(path.relative_to(NOTIFICATIONS)), module)
        for path in sorted(NOTIFICATIONS.rglob("*.py"))
        if "migrations" not in path.parts
        for module in _imports(path)
        if module.split(".")[0] in PRODUCERS
    ]
    assert [pair for pair in found if pair not in ALLOWED] == []


def test_each_app_registers_its_own_kinds():
    """The communities, the forums and the chat register their kinds from their own modules."""
    owners = {key: spec.visible_many.__module__ for key, spec in kinds.KINDS.items()}
    assert owners == {
        "join_request": "communities.notification_kinds",
        "request_answered": "communities.notification_kinds",
        "invitation": "communities.notification_kinds",
        "charter_version": "communities.notification_kinds",
        "announcement": "communities.notification_kinds",
        "comment": "communities.notification_kinds",
        "forum_topic": "forums.notification_kinds",
        "forum_reply": "forums.notification_kinds",
        "forum_solution": "forums.notification_kinds",
        "forum_mention": "forums.notification_kinds",
        "wiki_page_changed": "wiki.notification_kinds",
        "wiki_page_created": "wiki.notification_kinds",
        "idea_new": "ideas.notification_kinds",
        "idea_status": "ideas.notification_kinds",
        "idea_comment": "ideas.notification_kinds",
        "idea_merged": "ideas.notification_kinds",
        "idea_mention": "ideas.notification_kinds",
        "call_dossier": "calls.notification_kinds",
        "call_request": "calls.notification_kinds",
        "call_indicator_due": "calls.notification_kinds",
        "mention": "chat.notification_kinds",
        "direct_message": "chat.notification_kinds",
        "report": "communities.notification_kinds",
        "proposal_answered": "communities.notification_kinds",
        "community_proposal": "communities.notification_kinds",
    }


def test_kinds_keep_their_declared_order():
    """The kinds come in their declared order (the preferences page's), not in the order the
    apps registered them: the chat's mentions stand between the announcements and the reports."""
    assert list(kinds.KINDS) == [
        "join_request",
        "request_answered",
        "proposal_answered",
        "invitation",
        "charter_version",
        "announcement",
        "comment",
        "forum_topic",
        "forum_reply",
        "forum_solution",
        "mention",
        "forum_mention",
        "wiki_page_changed",
        "wiki_page_created",
        "idea_new",
        "idea_status",
        "idea_comment",
        "idea_merged",
        "idea_mention",
        "direct_message",
        "call_dossier",
        "call_request",
        "call_indicator_due",
        "report",
        "community_proposal",
    ]


@pytest.fixture
def scratch_kind():
    """Register test kinds; they are removed afterwards."""
    added = []

    def register(key, **options):
        kinds.register(
            key,
            label=key,
            description=key,
            visible=lambda agent, target: True,
            **options,
        )
        added.append(key)

    yield register
    for key in added:
        kinds.KINDS.pop(key, None)


def test_a_kind_registered_last_takes_its_place(scratch_kind):
    """A kind registered after the others stands where its ``order`` says; equal orders go by
    key."""
    scratch_kind("zz_first", order=1)
    scratch_kind("aa_between", order=45)
    scratch_kind("ab_between", order=45)
    order = list(kinds.KINDS)
    assert order[0] == "zz_first"
    assert order.index("charter_version") + 1 == order.index("aa_between")
    assert order.index("aa_between") + 1 == order.index("ab_between")
    assert order.index("ab_between") + 1 == order.index("announcement")
    assert kinds.get("zz_first").default_email == Email.WEEKLY


def test_a_kind_registered_twice_is_refused(scratch_kind):
    """Two apps cannot claim the same kind."""
    with pytest.raises(ImproperlyConfigured):
        scratch_kind("mention")
    assert kinds.get("mention").visible_many.__module__ == "chat.notification_kinds"


@pytest.mark.django_db
def test_preferences_page_lists_the_kinds_in_order(client):
    """The preferences page shows the kinds in the registry's order."""
    from tests.factories import AgentFactory

    client.force_login(AgentFactory())
    page = client.get("/notifications/preferences/").content.decode()
    positions = [page.index(f'name="email-{key}"') for key in kinds.KINDS]
    assert positions == sorted(positions)
