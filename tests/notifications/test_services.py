"""``notifications.services.notify`` and the fan-out: refusals, transactions, the actor, the cost
of a fan-out, and the personal-data export."""

import io
import json
import zipfile

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from chat import services as chat
from chat.permissions import room_abilities
from communities import services as communities
from communities.models import Community, CommunityProposal, Report
from communities.permissions import abilities
from notifications import kinds, services
from notifications.models import Notification
from tests.factories import (
    AgentFactory,
    AnnouncementFactory,
    CommentFactory,
    CommunityFactory,
    MembershipFactory,
)
from tests.notifications.conftest import deliver, notifications_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_failed_tasks")]


def test_unknown_kind_fails_at_once(django_capture_on_commit_callbacks):
    """An unknown kind raises in the caller, before anything is queued."""
    community = CommunityFactory()
    agent = MembershipFactory(community=community).agent
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(KeyError):
        services.notify("rumeur", [agent], target=community, summary="On dit que…", url="/")
    assert callbacks == []
    assert Notification.objects.count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_nothing_is_queued_when_the_transaction_rolls_back():
    """An event whose transaction rolls back notifies nobody; the same event committed does."""
    community = CommunityFactory()
    animator = MembershipFactory(community=community, animator=True).agent
    member = MembershipFactory(community=community).agent

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        communities.announcement_create(community=community, actor=animator, title="A", body="B")
        raise Abandon
    assert notifications_of(member) == []

    communities.announcement_create(community=community, actor=animator, title="A", body="B")
    assert notifications_of(member) == ["announcement"]


def test_actor_is_never_notified(run_on_commit):
    """The actor is left out even when named among the recipients."""
    community = CommunityFactory()
    animator = MembershipFactory(community=community, animator=True).agent
    member = MembershipFactory(community=community).agent
    announcement = AnnouncementFactory(community=community, author=animator)
    with run_on_commit():
        services.notify(
            "announcement",
            [animator, member.pk],
            target=announcement,
            community=community,
            actor=animator,
            summary="Nouvelle annonce",
            url="/",
        )
    assert notifications_of(animator) == []
    assert notifications_of(member) == ["announcement"]
    assert animator.__class__.objects.get(pk=animator.pk).notifications_unread == 0


def test_only_the_actor_queues_nothing(django_capture_on_commit_callbacks):
    """An event whose only recipient is its actor queues no task at all (with someone else, one
    task)."""
    community = CommunityFactory()
    animator = MembershipFactory(community=community, animator=True).agent
    member = MembershipFactory(community=community).agent
    for recipients, queued in (([animator], 0), ([animator, member], 1)):
        # Not executed while captured: the task's own on-commit pushes are not counted.
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.notify(
                "request_answered",
                recipients,
                target=community,
                actor=animator,
                summary="…",
                url="/",
            )
        assert len(callbacks) == queued
        for callback in callbacks:
            callback()
    assert notifications_of(member) == ["request_answered"]


def test_fan_out_to_a_deleted_target_makes_nothing():
    """A target deleted before the task runs: no notification, no error (one still there: a
    notification)."""
    community = CommunityFactory()
    member = MembershipFactory(community=community).agent
    kept = AnnouncementFactory(community=community)
    assert len(deliver("announcement", [member], kept, community=community)) == 1
    announcement = AnnouncementFactory(community=community)
    pk = announcement.pk
    announcement.delete()
    announcement.pk = pk
    assert deliver("announcement", [member], announcement, community=community) == []
    assert notifications_of(member) == ["announcement"]


# --- the cost of a fan-out ------------------------------------------------------------------------

# The most queries one fan-out may cost, whatever the number of recipients: the target, the
# agents, their preferences, their mutes, what the policy needs (memberships or participations,
# read for all at once), the community, the rows in bulk, the unread counters.
MAX_QUERIES = {
    "join_request": 13,
    "request_answered": 12,
    "invitation": 11,
    "charter_version": 13,
    "announcement": 13,
    "comment": 14,  # the comment's announcement, for the policy
    "report": 13,
    "mention": 15,  # and one UPDATE marking the e-mails sent at once
    "direct_message": 11,
    "forum_topic": 12,
    "forum_reply": 13,  # the post's topic, for the policy
    "forum_solution": 13,
    "forum_mention": 14,  # and the UPDATE of the e-mails sent at once
    "wiki_page_changed": 12,
    "wiki_page_created": 12,
    "idea_new": 13,  # the box, once for all (the platform box's moderators differ)
    "idea_status": 13,
    "idea_comment": 13,  # the comment's idea, for the policy
    "idea_merged": 12,
    "idea_mention": 14,  # and the UPDATE of the e-mails sent at once
    "community_proposal": 11,
    "proposal_answered": 11,
    "call_dossier": 14,  # the dossier's members, call roles and experts, for the policy
    "call_request": 15,  # and the request's dossier
    "call_indicator_due": 15,  # and the reminder's indicator and dossier
}
# How many of the recipients the policy lets through (the others are someone else's invitation
# or conversation).
ALL, ONE = "all", "one"
REACHED = {
    "join_request": ALL,
    "request_answered": ALL,
    "invitation": ONE,
    "charter_version": ALL,
    "announcement": ALL,
    "comment": ALL,
    "report": ALL,
    "mention": ALL,
    "direct_message": ONE,
    "forum_topic": ALL,
    "forum_reply": ALL,
    "forum_solution": ALL,
    "forum_mention": ALL,
    "wiki_page_changed": ALL,
    "wiki_page_created": ALL,
    "idea_new": ALL,  # the box's animators
    "idea_status": ALL,
    "idea_comment": ALL,
    "idea_merged": ALL,
    "idea_mention": ALL,
    "community_proposal": ALL,  # the administrators
    "proposal_answered": ONE,  # its proposer
    "call_dossier": ALL,  # the dossier's team
    "call_request": ALL,
    "call_indicator_due": ALL,  # the running project's team
}


def _forum_event(kind, community):
    """The target of a forums' kind: a new topic, or a reply (marked as the question's
    solution for « forum_solution »)."""
    from forums import services as forums
    from forums.models import Category

    author = MembershipFactory(community=community).agent
    category = Category.objects.create(community=community, name="Entraide", is_help=True)
    topic = forums.topic_create(category=category, agent=author, title="Question", body="Texte")
    if kind == "forum_topic":
        return topic
    post = forums.post_reply(
        topic=topic, agent=MembershipFactory(community=community).agent, body="Réponse"
    )
    if kind == "forum_solution":
        forums.solution_mark(topic=topic, agent=author, post=post)
    return post


def _event(kind, size):
    """(recipients, target, community) of one ``kind`` event with ``size`` agents addressed."""
    if kind in ("community_proposal", "proposal_answered"):
        admins = kind == "community_proposal"
        recipients = [AgentFactory(platform_admin=admins) for _ in range(size)]
        target = CommunityProposal.objects.create(
            proposer=AgentFactory() if admins else recipients[0],
            name="Proposition",
            objective="Objectif",
            kind=Community.Kind.POLICY,
            why="Pourquoi",
        )
        return recipients, target, None
    if kind.startswith("call_"):
        from calls.models import DossierMember
        from tests.calls.factories import DossierFactory

        dossier = DossierFactory()
        recipients = [AgentFactory() for _ in range(size)]
        DossierMember.objects.bulk_create(
            DossierMember(dossier=dossier, agent=agent, role=DossierMember.Role.TEAM)
            for agent in recipients
        )
        if kind == "call_request":
            return recipients, dossier.requests.create(text="Précisez le calendrier."), None
        if kind == "call_indicator_due":
            import datetime

            from calls.models import Dossier, Indicator, IndicatorReminder

            Dossier.objects.filter(pk=dossier.pk).update(state=Dossier.State.IN_PROGRESS)
            indicator = Indicator.objects.create(
                dossier=dossier,
                label="Agents inscrits",
                baseline=0,
                first_due_on=datetime.date(2027, 3, 31),
            )
            reminder = IndicatorReminder.objects.create(
                indicator=indicator, due_on=indicator.first_due_on
            )
            return recipients, reminder, None
        return recipients, dossier, None
    community = CommunityFactory(on_request=True)
    role = {"animator": True} if kind in ("join_request", "report", "idea_new") else {}
    recipients = [MembershipFactory(community=community, **role).agent for _ in range(size)]
    community.refresh_from_db()
    if kind == "join_request":
        target = MembershipFactory(community=community, requested=True)
    elif kind == "request_answered":
        target = community
    elif kind == "invitation":
        target = MembershipFactory(community=community, invited=True)
        recipients[0] = target.agent
    elif kind == "charter_version":
        target = community.current_charter
    elif kind == "announcement":
        target = AnnouncementFactory(community=community)
    elif kind == "comment":
        target = CommentFactory(announcement=AnnouncementFactory(community=community))
    elif kind == "report":
        announcement = AnnouncementFactory(community=community)
        target = Report.objects.create(
            community=community,
            content=announcement,
            reporter=AgentFactory(),
            reason="Hors sujet",
        )
    elif kind.startswith("forum_"):
        target = _forum_event(kind, community)
    elif kind.startswith("wiki_"):
        from wiki import services as wiki

        author = MembershipFactory(community=community).agent
        target = wiki.page_create(community=community, agent=author, title="Page", body="Texte")
    elif kind.startswith("idea_"):
        from ideas import comments as idea_comments
        from ideas import services as ideas

        author = MembershipFactory(community=community).agent
        target = ideas.idea_submit(community=community, agent=author, title="Idée", body="Texte")
        if kind in ("idea_comment", "idea_mention"):
            target = idea_comments.comment_create(idea=target, agent=author, body="Bonjour")
    elif kind == "mention":
        room = chat.room_for_community(community)
        target = chat.message_send(
            agent=MembershipFactory(community=community).agent,
            room=room,
            body="Bonjour",
            client_id=f"cost-{size}-mention",
        )
    else:
        other = recipients[0]
        author = AgentFactory()
        room = chat.direct_open(agent=author, other=other)
        target = chat.message_send(
            agent=author, room=room, body="Bonjour", client_id=f"cost-{size}-direct"
        )
        community = None
    return recipients, target, community


@pytest.mark.parametrize("kind", list(kinds.KINDS))
def test_fan_out_costs_the_same_queries_for_5_or_50_recipients(
    kind, django_assert_max_num_queries, mailoutbox
):
    """A fan-out reads the policy, the preferences and the mutes, and writes the rows, in a
    number of queries that does not grow with the number of recipients."""
    for size in (5, 50):
        recipients, target, community = _event(kind, size)
        # A running process has its content types cached: the count must not depend on which
        # test ran before.
        ContentType.objects.get_for_model(target)
        with django_assert_max_num_queries(MAX_QUERIES[kind]):
            made = deliver(kind, recipients, target, community=community)
        assert len(made) == (size if REACHED[kind] == ALL else 1)
        assert Notification.objects.filter(target_id=target.pk, kind=kind).count() == len(made)


def test_batched_policy_check_agrees_with_the_one_by_one_check():
    """For every state towards a community (and a platform administrator), the batched check of
    each kind lets through exactly the agents the policy allows when asked one by one."""
    community = CommunityFactory(private_secret=True)
    outsider = AgentFactory()
    memberships = {
        name: MembershipFactory(community=community, **traits)
        for name, traits in {
            "requested": {"requested": True},
            "invited": {"invited": True},
            "without_charter": {"without_charter": True},
            "member": {},
            "animator": {"animator": True},
            "banned": {"banned": True},
        }.items()
    }
    member = memberships["member"].agent
    agents = [outsider, AgentFactory(platform_admin=True)] + [m.agent for m in memberships.values()]
    community.refresh_from_db()
    targets = {
        "join_request": memberships["requested"],
        "request_answered": community,
        "invitation": memberships["invited"],
        "charter_version": community.current_charter,
        "announcement": AnnouncementFactory(community=community),
        "report": Report.objects.create(
            community=community,
            content=AnnouncementFactory(community=community),
            reporter=member,
            reason="Hors sujet",
        ),
        "mention": chat.message_send(
            agent=member,
            room=chat.room_for_community(community),
            body="Salut",
            client_id="batched-01",
        ),
        "direct_message": chat.message_send(
            agent=member,
            room=chat.direct_open(agent=member, other=outsider),
            body="Salut",
            client_id="batched-02",
        ),
    }
    # The forums: a topic, a reply (the question's solution), read as the forums' policy says.
    from forums import services as forums
    from forums.models import Category
    from maillage import policy as platform_policy

    question = forums.topic_create(
        category=Category.objects.create(community=community, name="Entraide", is_help=True),
        agent=member,
        title="Question",
        body="Texte",
    )
    answer = forums.post_reply(topic=question, agent=memberships["animator"].agent, body="Oui")
    forums.solution_mark(topic=question, agent=member, post=answer)
    targets.update(
        forum_topic=question, forum_reply=answer, forum_solution=answer, forum_mention=answer
    )
    # The wiki: a page, read as the wiki's policy says.
    from wiki import services as wiki

    page = wiki.page_create(community=community, agent=member, title="Page", body="Texte")
    targets.update(wiki_page_changed=page, wiki_page_created=page)
    # The policy asked agent by agent, as a page would.
    policy = {
        "join_request": lambda a, t: abilities(a, community).can_manage_members,
        "request_answered": lambda a, t: abilities(a, community).can_view,
        "invitation": lambda a, t: a.pk == t.agent_id,
        "charter_version": lambda a, t: abilities(a, community).is_member,
        "announcement": lambda a, t: abilities(a, community).is_member,
        "report": lambda a, t: abilities(a, community).can_moderate,
        "mention": lambda a, t: room_abilities(a, t.room).can_read,
        "direct_message": lambda a, t: room_abilities(a, t.room).can_read,
        **dict.fromkeys(
            (
                "forum_topic",
                "forum_reply",
                "forum_solution",
                "forum_mention",
                "wiki_page_changed",
                "wiki_page_created",
            ),
            lambda a, t: platform_policy.can_read(a, type(t).objects.get(pk=t.pk)),
        ),
    }
    for key, target in targets.items():
        spec = kinds.get(key)
        expected = {a.pk for a in agents if policy[key](type(a).objects.get(pk=a.pk), target)}
        assert expected, key  # somebody may see each
        assert spec.visible_many(agents, target) == expected, key
        assert {a.pk for a in agents if spec.visible(a, target)} == expected, key


# --- the personal-data export ------------------------------------------------------------------


def test_personal_data_export_has_the_notifications(client, run_on_commit):
    """The export has a "notifications" section: the agent's notifications (not others'), their
    preferences and their muted communities."""
    community = CommunityFactory(name="Risques littoraux")
    animator = MembershipFactory(community=community, animator=True).agent
    member = MembershipFactory(community=community).agent
    other = MembershipFactory(community=community).agent
    services.preference_set(agent=member, kind="announcement", in_app=True, email="daily")
    services.community_mute(agent=member, community=community, kind="report")
    with run_on_commit():
        communities.announcement_create(
            community=community, actor=animator, title="Marée haute", body="Vigilance."
        )
    services.mark_all_read(agent=other)

    client.force_login(member)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/compte/mes-donnees.zip").content))
    data = json.loads(archive.read("notifications.json"))
    assert [n["quoi"] for n in data["notifications"]] == [
        "Nouvelle annonce dans « Risques littoraux » : Marée haute"
    ]
    assert data["notifications"][0]["lue_le"] is None
    assert data["preferences"] == [
        {"evenement": "announcement", "dans_l_application": True, "e_mail": "daily"}
    ]
    assert data["communautes_en_sourdine"] == [
        {"communaute": "Risques littoraux", "evenement": "report"}
    ]
