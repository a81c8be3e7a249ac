"""Who the forums notify: the followers of a category of a new topic, the followers of a topic of
a reply, the question's author and followers of its solution, the mentioned agents of a mention —
never the actor, never who chose « jamais », never who may not read it (an outsider of a secret
community, a banned member, a forum switched off, a hidden post)."""

import pytest

from communities.content import services as content
from communities.content.moderation import content_set_hidden
from communities.models import Community, Membership
from forums.models import Post
from notifications.models import Email, Notification, Preference
from tests.factories import AgentFactory, CommunityFactory
from tests.forums.social_helpers import category, mark_solution, member, reply, start_topic
from tests.notifications.conftest import notifications_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_failed_tasks")]


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """``with run_on_commit(): …``: what the block queues on commit (the fan-out) runs when it
    ends, as after a real commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def no_failed_tasks():
    """Fail the test if the fan-out task failed (the immediate backend records it silently)."""
    from django.tasks.base import TaskResultStatus
    from django.tasks.signals import task_finished

    failures = []

    def record(sender, task_result, **kwargs):
        if task_result.status == TaskResultStatus.FAILED:
            failures.append(task_result)

    task_finished.connect(record, weak=False)
    yield failures
    task_finished.disconnect(record)
    assert [(f.task.name, f.errors[-1].traceback) for f in failures] == []


@pytest.fixture
def forum():
    """A secret community's help category, its animator, two members and an outsider."""
    community = CommunityFactory(private_secret=True, name="Réseau des référents eau")
    animator = member(community, animator=True)
    return {
        "community": community,
        "category": category(community, is_help=True),
        "animator": animator,
        "asker": member(community),
        "helper": member(community),
        "outsider": AgentFactory(),
    }


def test_followers_of_a_category_hear_of_a_new_topic_but_not_its_author(forum, run_on_commit):
    """« forum_topic » goes to the category's followers who read it, never to its author."""
    for agent in ("animator", "helper", "outsider", "asker"):
        content.follow(agent=forum[agent], target=forum["category"])
    with run_on_commit():
        topic = start_topic(forum["category"], forum["asker"], title="Captage de Kerlouan")
    assert notifications_of(forum["animator"]) == ["forum_topic"]
    assert notifications_of(forum["helper"]) == ["forum_topic"]
    assert notifications_of(forum["outsider"]) == []
    assert notifications_of(forum["asker"]) == []
    notification = Notification.objects.get(recipient=forum["helper"])
    assert notification.summary == "Nouveau sujet dans « Entraide » : Captage de Kerlouan"
    assert notification.url == f"/communautes/{forum['community'].slug}/forum/sujet/{topic.pk}/"


def test_a_reply_reaches_the_followers_of_its_topic_and_the_replier_follows_it(
    forum, run_on_commit
):
    """The topic's author follows it; a reply notifies them; the replier follows it from then on
    and hears of the next reply; nobody hears of their own."""
    with run_on_commit():
        topic = start_topic(forum["category"], forum["asker"])
    assert content.is_following(forum["asker"], topic)
    with run_on_commit():
        reply(topic, forum["helper"])
    assert notifications_of(forum["asker"]) == ["forum_reply"]
    assert notifications_of(forum["helper"]) == []
    assert content.is_following(forum["helper"], topic)
    with run_on_commit():
        reply(topic, forum["asker"])
    assert notifications_of(forum["helper"]) == ["forum_reply"]
    assert notifications_of(forum["asker"]) == ["forum_reply"]


def test_solution_reaches_the_question_author_and_the_followers(forum, run_on_commit):
    """Marking a solution notifies the question's author (when an animator marks it) and the
    topic's followers, not whoever marked it."""
    with run_on_commit():
        topic = start_topic(forum["category"], forum["asker"], is_question=True)
        answer = reply(topic, forum["helper"])
    content.unfollow(agent=forum["asker"], target=topic)  # the author hears of it all the same
    Notification.objects.all().delete()
    with run_on_commit():
        mark_solution(topic, answer, forum["animator"])
    assert notifications_of(forum["asker"]) == ["forum_solution"]
    assert notifications_of(forum["helper"]) == ["forum_solution"]
    assert notifications_of(forum["animator"]) == []
    assert (
        Notification.objects.get(recipient=forum["asker"]).summary == "« Une question » est résolu"
    )


def test_a_mention_reaches_the_mentioned_reader_once(forum, run_on_commit):
    """A mentioned member is told once, by the mention, even when they follow the topic; a
    mentioned outsider of the secret community is not told."""
    with run_on_commit():
        topic = start_topic(forum["category"], forum["asker"])
        post = reply(topic, forum["helper"], mentions=[forum["asker"], forum["outsider"]])
    assert notifications_of(forum["asker"]) == ["forum_mention"]
    assert notifications_of(forum["outsider"]) == []
    assert Notification.objects.get(recipient=forum["asker"]).target_id == post.pk


def test_never_means_no_notification_and_no_email(forum, run_on_commit, mailoutbox):
    """An agent who chose neither the app nor e-mail for « forum_reply » gets nothing; the
    others get theirs."""
    Preference.objects.create(
        agent=forum["asker"], kind="forum_reply", in_app=False, email=Email.NONE
    )
    with run_on_commit():
        topic = start_topic(forum["category"], forum["asker"])
        content.follow(agent=forum["animator"], target=topic)
        reply(topic, forum["helper"])
    assert notifications_of(forum["asker"]) == []
    assert notifications_of(forum["animator"]) == ["forum_reply"]
    assert [m.to for m in mailoutbox] == []


def test_mentions_are_emailed_at_once_by_default(forum, run_on_commit, mailoutbox):
    """« forum_mention » is e-mailed at once unless the agent chose otherwise."""
    with run_on_commit():
        topic = start_topic(forum["category"], forum["asker"])
        reply(topic, forum["helper"], mentions=[forum["animator"]])
    assert [m.to for m in mailoutbox] == [[forum["animator"].email]]


def test_a_banned_member_is_not_notified(forum, run_on_commit):
    """A follower banned before the reply is not told of it."""
    with run_on_commit():
        topic = start_topic(forum["category"], forum["asker"])
    content.follow(agent=forum["helper"], target=topic)
    Membership.objects.filter(agent=forum["helper"], community=forum["community"]).update(
        state=Membership.State.BANNED
    )
    with run_on_commit():
        reply(topic, forum["animator"], mentions=[forum["helper"]])
    assert notifications_of(forum["helper"]) == []
    assert notifications_of(forum["asker"]) == ["forum_reply"]


def test_nothing_about_a_switched_off_forum(forum, run_on_commit):
    """When the forum tool is off, its followers are not notified."""
    with run_on_commit():
        topic = start_topic(forum["category"], forum["asker"])
    Community.objects.filter(pk=forum["community"].pk).update(tool_forum=False)
    with run_on_commit():
        reply(topic, forum["helper"])
    assert notifications_of(forum["asker"]) == []


def test_a_reply_hidden_before_the_fan_out_notifies_nobody(
    forum, django_capture_on_commit_callbacks
):
    """A reply hidden by the animation between its commit and the fan-out reaches nobody, the
    animators included."""
    with django_capture_on_commit_callbacks(execute=True):
        topic = start_topic(forum["category"], forum["asker"])
        content.follow(agent=forum["animator"], target=topic)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post = reply(topic, forum["helper"])
    content_set_hidden(content=Post.objects.get(pk=post.pk), actor=forum["animator"], hidden=True)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert Notification.objects.filter(kind="forum_reply").count() == 0
    # The same reply, not hidden, reaches the topic's followers.
    with django_capture_on_commit_callbacks(execute=True):
        reply(topic, forum["helper"])
    assert notifications_of(forum["animator"]) == ["forum_reply"]


def test_an_unmarked_solution_is_withdrawn_at_the_next_read(forum, run_on_commit, client):
    """The solution's notification lives while the post is the solution: unmarked, the centre
    no longer shows it."""
    with run_on_commit():
        topic = start_topic(forum["category"], forum["asker"], is_question=True)
        answer = reply(topic, forum["helper"])
        mark_solution(topic, answer, forum["asker"])
    assert notifications_of(forum["helper"]) == ["forum_solution"]
    topic.solution = None
    topic.save(update_fields=["solution"])
    client.force_login(forum["helper"])
    page = client.get("/notifications/")
    assert page.status_code == 200
    assert "est résolu" not in page.content.decode()
    assert notifications_of(forum["helper"]) == []


def test_the_kinds_are_on_the_preferences_page(client):
    """The forums' four kinds are listed, in French, on the preferences page."""
    agent = AgentFactory()
    client.force_login(agent)
    text = client.get("/notifications/preferences/").content.decode()
    for label in (
        "Nouveaux sujets de forum",
        "Réponses dans les forums",
        "Questions résolues",
        "Mentions dans les forums",
    ):
        assert label in text


def test_public_forum_outsider_following_is_notified(run_on_commit):
    """In an open community an outsider reads the forum: following a topic, they hear of it."""
    community = CommunityFactory(open=True)
    author = member(community)
    reader = AgentFactory()
    with run_on_commit():
        topic = start_topic(category(community), author)
        content.follow(agent=reader, target=topic)
        reply(topic, member(community))
    assert notifications_of(reader) == ["forum_reply"]
    assert Notification.objects.filter(kind="forum_reply").count() == 2
