"""Who the idea box notifies: the animators of a new idea; the author, supporters and followers
of a new status with its answer; the followers of a comment (the mentioned once, by the
mention); the author and supporters of a merged idea — never the actor, never who may no longer
read it (an outsider of a secret community, a banned member, the tool switched off, a hidden
idea)."""

import html

import pytest

from communities.content import services as content
from communities.content.moderation import content_set_hidden
from communities.models import Membership
from ideas import services
from ideas.models import Idea
from notifications import kinds
from notifications.models import Email, Notification
from tests.factories import AgentFactory, CommunityFactory
from tests.ideas.social_helpers import comment, member, submit, support
from tests.notifications.conftest import notifications_of

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """``with run_on_commit(): …``: what the block queues on commit runs when it ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def box():
    """A secret community's box, its animator, an author, two supporters, an outsider."""
    community = CommunityFactory(private_secret=True, name="Référents numériques")
    return {
        "community": community,
        "animator": member(community, animator=True),
        "author": member(community),
        "supporter": member(community),
        "other": member(community),
        "outsider": AgentFactory(),
    }


def test_the_animators_hear_of_a_new_idea_and_its_author_follows_it(box, run_on_commit):
    """« idea_new » to the animators only; the author follows the idea."""
    with run_on_commit():
        idea = submit(box["community"], box["author"], title="Tutoriels vidéo")
    assert notifications_of(box["animator"]) == ["idea_new"]
    assert notifications_of(box["author"]) == notifications_of(box["other"]) == []
    assert content.followers(idea) == [box["author"].pk]
    notification = Notification.objects.get(recipient=box["animator"])
    assert notification.summary == "Nouvelle idée dans « Référents numériques » : Tutoriels vidéo"


def test_a_status_reaches_author_supporters_and_followers_with_the_answer(box, run_on_commit):
    """The animator's « à l'étude » then « retenue » with its answer: author, supporter and
    follower each hear of both; the actor, an outsider following from before and a banned
    supporter do not."""
    idea = submit(box["community"], box["author"])
    support(idea, box["supporter"])
    support(idea, box["other"])
    content.follow(agent=box["outsider"], target=idea)
    Membership.objects.filter(community=box["community"], agent=box["other"]).update(
        state=Membership.State.BANNED
    )
    with run_on_commit():
        services.idea_set_status(idea=idea, actor=box["animator"], status="studying")
    idea.refresh_from_db()
    with run_on_commit():
        services.idea_set_status(
            idea=idea, actor=box["animator"], status="adopted", answer="Prévu au **printemps**."
        )
    for agent in ("author", "supporter"):
        assert notifications_of(box[agent], "idea_status") == ["idea_status", "idea_status"]
    assert notifications_of(box["animator"], "idea_status") == []
    assert notifications_of(box["outsider"]) == []
    assert notifications_of(box["other"]) == []
    latest = Notification.objects.filter(recipient=box["author"]).order_by("-pk").first()
    assert latest.summary.startswith(
        "L'idée « Covoiturage entre sites » est maintenant « Retenue »"
    )
    assert "Prévu au **printemps**." in latest.summary
    assert latest.url == idea.get_absolute_url()


def test_the_status_email_carries_the_answer(box, run_on_commit, mailoutbox):
    """The kind's e-mail (sent at once by default) quotes the answer, escaped."""
    assert kinds.get("idea_status").default_email == Email.IMMEDIATE
    idea = submit(box["community"], box["author"])
    with run_on_commit():
        services.idea_set_status(
            idea=idea, actor=box["animator"], status="rejected", answer="Hors <b>périmètre</b>."
        )
    mails = [m for m in mailoutbox if box["author"].email in m.to]
    assert len(mails) == 1
    assert "Hors <b>périmètre</b>." in mails[0].body
    html = mails[0].alternatives[0][0]
    assert "Hors &lt;b&gt;périmètre&lt;/b&gt;." in html


def test_a_comment_reaches_the_followers_and_a_mention_once(box, run_on_commit):
    """Followers hear of the comment; the commenter follows from then on; a follower mentioned
    hears of it once, by the mention; a hidden idea's comment reaches nobody."""
    idea = submit(box["community"], box["author"])
    support(idea, box["supporter"])  # supporters follow
    with run_on_commit():
        comment(idea, box["other"], body="Je m'associe", mentions=[box["supporter"]])
    assert notifications_of(box["author"]) == ["idea_comment"]
    assert notifications_of(box["supporter"]) == ["idea_mention"]
    assert notifications_of(box["other"]) == []
    assert box["other"].pk in content.followers(idea)
    later = comment(idea, box["animator"], body="Réponse")
    content_set_hidden(content=idea, actor=box["animator"], hidden=True)
    later.idea.refresh_from_db()
    assert kinds.get("idea_comment").visible_many([box["author"], box["animator"]], later) == set()


def test_switching_the_tool_off_silences_the_box(box):
    """With the tool off nobody, the animators included, is told of the box's ideas."""
    idea = submit(box["community"], box["author"])
    check = kinds.get("idea_status").visible_many
    assert check([box["author"], box["animator"]], idea) == {box["author"].pk, box["animator"].pk}
    box["community"].tool_ideas = False
    box["community"].save(update_fields=["tool_ideas"])
    idea.community.refresh_from_db()
    assert check([box["author"], box["animator"]], idea) == set()


def test_a_merge_tells_the_merged_ideas_author_and_supporters(box, run_on_commit):
    """« idea_merged » to the author and supporters of the duplicate, pointing at the target."""
    target = submit(box["community"], box["other"], title="Covoiturage inter-sites")
    duplicate = submit(box["community"], box["author"], title="Covoiturage")
    support(duplicate, box["supporter"])
    with run_on_commit():
        services.idea_merge(idea=duplicate, target=target, actor=box["animator"])
    assert notifications_of(box["author"], "idea_merged") == ["idea_merged"]
    assert notifications_of(box["supporter"], "idea_merged") == ["idea_merged"]
    assert notifications_of(box["other"], "idea_merged") == []
    notification = Notification.objects.get(recipient=box["supporter"], kind="idea_merged")
    assert notification.url == target.get_absolute_url()
    assert Idea.objects.get(pk=target.pk).support_count == 1


def test_the_platform_box_tells_its_administrators_of_a_new_idea(run_on_commit, platform_admin):
    """« Améliorer Maillage »: the platform's administrators hear of a new idea."""
    community = services.platform_box().community
    with run_on_commit():
        services.idea_submit(
            community=community, agent=AgentFactory(), title="Mode sombre", body="Pour le soir."
        )
    assert notifications_of(platform_admin) == ["idea_new"]


def test_the_kinds_are_on_the_preferences_page(client, agent):
    """Each kind has its French label on the preferences page."""
    client.force_login(agent)
    page = html.unescape(client.get("/notifications/preferences/").content.decode())
    for label in ("Nouvelles idées", "Statut d'une idée", "Commentaires d'idées", "Idée fusionnée"):
        assert label in page
