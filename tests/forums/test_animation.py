"""The animators' actions on a forum's topics (``forums.animation``, ``forums.views.animation``):
who may pin, lock, hide, move and merge, what a merge keeps (every post, renumbered after the
target's in their date order, every follower once, the counters), forged ids of another
community answering 404, and the audit log's lines."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communities.content import services as content
from communities.content.moderation import content_set_hidden
from communities.models import AuditLog
from forums import animation, services
from forums.models import Category, Post, Topic
from tests.factories import AgentFactory, CommunityFactory
from tests.forums.social_helpers import category, member, reply, start_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum():
    """An open community (outsiders read its forum) with two categories and a topic."""
    community = CommunityFactory(open=True, name="Référents numériques")
    author = member(community)
    help_desk = category(community, "Entraide", is_help=True)
    news = category(community, "Actualités")
    topic = start_topic(help_desk, author, title="Messagerie en panne")
    return {
        "community": community,
        "help": help_desk,
        "news": news,
        "topic": topic,
        "author": author,
        "animator": member(community, animator=True),
    }


def _url(forum, action, topic=None):
    topic = topic or forum["topic"]
    return f"/communautes/{forum['community'].slug}/forum/sujet/{topic.pk}/{action}/"


def _agent(forum, role):
    community = forum["community"]
    return {
        "outsider": lambda: AgentFactory(),
        "member": lambda: member(community),
        "banned": lambda: member(community, banned=True),
        "author": lambda: forum["author"],
        "animator": lambda: forum["animator"],
        "admin": lambda: AgentFactory(platform_admin=True),
    }[role]()


ACTIONS = {
    # name: (method, path, data)
    "pin": ("post", "epingler", {"action": "epingler"}),
    "lock": ("post", "verrouiller", {"action": "verrouiller"}),
    "hide": ("post", "masquer", {"action": "masquer"}),
    "move page": ("get", "deplacer", {}),
    "merge page": ("get", "fusionner", {}),
}
#             outsider member banned author animator admin
MATRIX = {
    "pin":        (404,     404,   404,   404,   302,     302),
    "lock":       (404,     404,   404,   404,   302,     302),
    "hide":       (404,     404,   404,   404,   302,     302),
    "move page":  (404,     404,   404,   404,   200,     200),
    "merge page": (404,     404,   404,   404,   200,     200),
}  # fmt: skip
ROLES = ("outsider", "member", "banned", "author", "animator", "admin")


@pytest.mark.parametrize(
    ("action", "role", "expected"),
    [
        (action, role, code)
        for action, codes in MATRIX.items()
        for role, code in zip(ROLES, codes, strict=True)
    ],
)
def test_who_may_animate(forum, client, action, role, expected):
    """Only the community's animators and the platform's administrators animate; everyone
    else gets a 404 and changes nothing."""
    method, path, data = ACTIONS[action]
    client.force_login(_agent(forum, role))
    response = getattr(client, method)(_url(forum, path), data)
    assert response.status_code == expected
    topic = Topic.objects.get(pk=forum["topic"].pk)
    changed = (topic.is_pinned, topic.is_locked, topic.is_hidden) != (False, False, False)
    assert changed == (expected == 302)


def test_visitors_are_sent_to_sign_in(forum, client):
    """A visitor who is not signed in is sent to the sign-in page, nothing changes."""
    response = client.post(_url(forum, "verrouiller"), {"action": "verrouiller"})
    assert response.status_code == 302
    assert "connexion" in response["Location"] or "login" in response["Location"]
    assert not Topic.objects.get(pk=forum["topic"].pk).is_locked


def test_an_archived_community_is_not_animated(forum, client):
    """Once the community is archived, nothing changes there: its animators get a 404 too."""
    forum["community"].archived_at = timezone.now()
    forum["community"].save(update_fields=["archived_at"])
    client.force_login(forum["animator"])
    assert client.post(_url(forum, "epingler"), {"action": "epingler"}).status_code == 404


def test_pin_and_lock_toggle_and_are_audited(forum, client):
    """Pinning, locking, then undoing both are four audit lines with their labels; an unknown
    action changes nothing and says so."""
    client.force_login(forum["animator"])
    for path, action in (
        ("epingler", "epingler"),
        ("verrouiller", "verrouiller"),
        ("epingler", "desepingler"),
        ("verrouiller", "deverrouiller"),
    ):
        response = client.post(_url(forum, path), {"action": action})
        assert response.status_code == 302
    topic = Topic.objects.get(pk=forum["topic"].pk)
    assert (topic.is_pinned, topic.is_locked) == (False, False)
    assert list(
        AuditLog.objects.filter(community=forum["community"])
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "forum_topic_pinned",
        "forum_topic_locked",
        "forum_topic_unpinned",
        "forum_topic_unlocked",
    ]
    page = client.post(_url(forum, "epingler"), {"action": "<script>"}, follow=True)
    assert "Action inconnue." in page.content.decode()
    assert not Topic.objects.get(pk=forum["topic"].pk).is_pinned
    journal = client.get(f"/communautes/{forum['community'].slug}/journal/")
    assert journal.status_code == 200
    text = journal.content.decode()
    assert "Sujet de forum épinglé" in text
    assert "Sujet de forum verrouillé" in text


def test_pinning_twice_is_refused_with_a_message():
    """The service refuses a pin of a pinned topic (two animators at once)."""
    community = CommunityFactory()
    animator = member(community, animator=True)
    topic = start_topic(category(community), animator)
    animation.topic_pin(topic=topic, actor=animator, pinned=True)
    with pytest.raises(animation.AnimationError) as refused:
        animation.topic_pin(topic=topic, actor=animator, pinned=True)
    assert str(refused.value) == "Ce sujet est déjà épinglé."


def test_move_to_another_category(forum, client):
    """The move page offers the other categories; moving updates both categories' counters
    and writes « De « Entraide » vers « Actualités » »."""
    client.force_login(forum["animator"])
    page = client.get(_url(forum, "deplacer")).content.decode()
    assert "Actualités" in page
    assert f'value="{forum["help"].pk}"' not in page
    response = client.post(_url(forum, "deplacer"), {"category": forum["news"].pk})
    assert response.status_code == 302
    assert Topic.objects.get(pk=forum["topic"].pk).category_id == forum["news"].pk
    help_desk, news = (Category.objects.get(pk=c.pk) for c in (forum["help"], forum["news"]))
    assert (help_desk.topic_count, help_desk.post_count) == (0, 0)
    assert (news.topic_count, news.post_count) == (1, 1)
    line = AuditLog.objects.get(action="forum_topic_moved")
    assert line.reason == "De « Entraide » vers « Actualités »"


def test_move_to_another_communitys_category_is_404(forum, client):
    """A forged category id of another community answers 404; the topic stays."""
    other = category(CommunityFactory(), "Ailleurs")
    client.force_login(forum["animator"])
    response = client.post(_url(forum, "deplacer"), {"category": other.pk})
    assert response.status_code == 404
    assert Topic.objects.get(pk=forum["topic"].pk).category_id == forum["help"].pk


@pytest.mark.parametrize("value", ["", "abc", "-1", "99999999999999999999999"])
def test_move_with_bad_input_says_so(forum, client, value):
    """An empty or malformed category is a French error on the page (400), never a 500."""
    client.force_login(forum["animator"])
    response = client.post(_url(forum, "deplacer"), {"category": value})
    assert response.status_code == 400
    assert "Choisissez une catégorie" in response.content.decode()


def _merge_setup(forum):
    """A duplicate in another category, with replies older and newer than the target's."""
    community, now = forum["community"], timezone.now()
    target = forum["topic"]
    replier = member(community)
    first = reply(target, replier, "Réponse cible")
    duplicate = start_topic(forum["news"], member(community), title="Messagerie HS")
    second = reply(duplicate, forum["author"], "Réponse doublon")
    # The duplicate's opening post was written before the target's reply.
    Post.objects.filter(topic=duplicate, number=1).update(created_at=now - timedelta(hours=2))
    Post.objects.filter(pk=first.pk).update(created_at=now - timedelta(hours=1))
    Post.objects.filter(pk=second.pk).update(created_at=now)
    content.follow(agent=replier, target=duplicate)  # follows both
    watcher = member(community)
    content.follow(agent=watcher, target=duplicate)
    return target, duplicate, {replier.pk, watcher.pk}


def test_merge_keeps_every_post_and_follower(forum, client):
    """The duplicate's posts are appended after the target's last number in their date order;
    its followers follow the target once each; counters are recomputed; its address
    redirects to the target; the audit log says where it went."""
    target, duplicate, watchers = _merge_setup(forum)
    followers_before = set(content.followers(target)) | set(content.followers(duplicate))
    client.force_login(forum["animator"])
    page = client.get(_url(forum, "fusionner", duplicate)).content.decode()
    assert "Messagerie en panne" in page
    response = client.post(_url(forum, "fusionner", duplicate), {"into": target.pk})
    assert response.status_code == 302
    assert response["Location"] == target.get_absolute_url()
    posts = list(Post.objects.filter(topic=target).order_by("number"))
    assert [(p.number, p.body) for p in posts] == [
        (1, "Le texte du sujet."),
        (2, "Réponse cible"),
        (3, "Le texte du sujet."),
        (4, "Réponse doublon"),
    ]
    followers = content.followers(target)
    assert len(followers) == len(set(followers))
    assert set(followers) == followers_before
    assert watchers <= set(followers)
    assert content.followers(duplicate) == []
    target = Topic.objects.get(pk=target.pk)
    assert (target.last_number, target.reply_count) == (4, 3)
    duplicate = Topic.objects.get(pk=duplicate.pk)
    assert duplicate.merged_into_id == target.pk
    assert (duplicate.last_number, duplicate.reply_count) == (0, 0)
    help_desk, news = (Category.objects.get(pk=c.pk) for c in (forum["help"], forum["news"]))
    assert (help_desk.topic_count, help_desk.post_count) == (1, 4)
    assert (news.topic_count, news.post_count) == (0, 0)
    old = client.get(duplicate.get_absolute_url())
    assert old.status_code == 302
    assert old["Location"] == target.get_absolute_url()
    line = AuditLog.objects.get(action="forum_topic_merged")
    assert line.object_id == duplicate.pk
    assert line.reason == "Fusionné dans « Messagerie en panne »"


def test_merge_into_another_communitys_topic_is_404(forum, client):
    """A forged target of another community answers 404 and moves nothing."""
    elsewhere = CommunityFactory()
    foreign = start_topic(category(elsewhere), member(elsewhere))
    client.force_login(forum["animator"])
    response = client.post(_url(forum, "fusionner"), {"into": foreign.pk})
    assert response.status_code == 404
    assert Post.objects.filter(topic=forum["topic"]).count() == 1
    assert Topic.objects.get(pk=forum["topic"].pk).merged_into_id is None


@pytest.mark.parametrize("value", ["", "abc", "0"])
def test_merge_with_bad_input_says_so(forum, client, value):
    """No target or a malformed one is a French error on the page (400)."""
    start_topic(forum["help"], forum["author"], title="Autre sujet")
    client.force_login(forum["animator"])
    response = client.post(_url(forum, "fusionner"), {"into": value})
    assert response.status_code == 400
    assert "Choisissez" in response.content.decode()


def test_merge_refusals():
    """A topic is not merged into itself, nor into a topic already merged; a merged topic is no
    longer animated."""
    community = CommunityFactory()
    animator = member(community, animator=True)
    place = category(community)
    a, b, c = (start_topic(place, animator, title=t) for t in ("A", "B", "C"))
    with pytest.raises(animation.AnimationError):
        animation.topic_merge(topic=a, actor=animator, into=a)
    animation.topic_merge(topic=b, actor=animator, into=c)
    b, c = Topic.objects.get(pk=b.pk), Topic.objects.get(pk=c.pk)
    with pytest.raises(animation.AnimationError):
        animation.topic_merge(topic=a, actor=animator, into=b)
    with pytest.raises(animation.AnimationError):
        animation.topic_lock(topic=b, actor=animator, locked=False)


def test_hide_and_restore_a_post(forum, client):
    """An animator hides a reply (members no longer read it; the topic's reply count drops) and
    restores it, both audited by the one moderation; the opening post is hidden with its
    topic only."""
    post = reply(forum["topic"], member(forum["community"]), "Un message déplacé")
    url = f"/communautes/{forum['community'].slug}/forum/message/{post.pk}/masquer/"
    client.force_login(forum["animator"])
    assert client.post(url, {"action": "masquer"}).status_code == 302
    assert Post.objects.get(pk=post.pk).is_hidden
    assert Topic.objects.get(pk=forum["topic"].pk).reply_count == 0
    client.force_login(member(forum["community"]))
    page = client.get(forum["topic"].get_absolute_url()).content.decode()
    assert "Un message déplacé" not in page
    assert client.post(url, {"action": "retablir"}).status_code == 404
    client.force_login(forum["animator"])
    assert client.post(url, {"action": "retablir"}).status_code == 302
    assert not Post.objects.get(pk=post.pk).is_hidden
    assert Topic.objects.get(pk=forum["topic"].pk).reply_count == 1
    assert list(
        AuditLog.objects.filter(object_id=post.pk).order_by("pk").values_list("action", flat=True)
    ) == ["hidden", "restored"]
    opening = Post.objects.get(topic=forum["topic"], number=1)
    with pytest.raises(animation.AnimationError):
        animation.content_hide(obj=opening, actor=forum["animator"], hidden=True)


def test_hidden_from_the_moderation_queue_the_count_follows(
    forum, django_capture_on_commit_callbacks
):
    """A reply hidden through the community's moderation (not the topic's button) is out of the
    topic's reply count too, and back in once restored."""
    post = reply(forum["topic"], member(forum["community"]))
    for hidden, count in ((True, 0), (False, 1)):
        with django_capture_on_commit_callbacks(execute=True):
            content_set_hidden(
                content=Post.objects.get(pk=post.pk), actor=forum["animator"], hidden=hidden
            )
        assert Topic.objects.get(pk=forum["topic"].pk).reply_count == count


def test_a_hidden_reply_deleted_afterwards_keeps_the_counters_right(forum):
    """A hidden reply is out of the topic's reply count; deleting it afterwards does not count
    it out twice (the count never goes below zero, which the database refuses)."""
    post = reply(forum["topic"], member(forum["community"]))
    animation.content_hide(obj=post, actor=forum["animator"], hidden=True)
    services.post_delete(
        post=Post.objects.select_related("topic").get(pk=post.pk), agent=forum["animator"]
    )
    assert Topic.objects.get(pk=forum["topic"].pk).reply_count == 0


def test_buttons_show_to_animators_only(forum, client):
    """The topic page shows the animation's buttons to its animators, « Suivre » to every
    signed-in reader."""
    reply(forum["topic"], forum["author"])
    client.force_login(forum["animator"])
    page = client.get(forum["topic"].get_absolute_url()).content.decode()
    for testid in (
        "topic-pin",
        "topic-lock",
        "topic-move",
        "topic-merge",
        "topic-hide",
        "post-hide",
    ):
        assert f'data-testid="{testid}"' in page
    client.force_login(member(forum["community"]))
    page = client.get(forum["topic"].get_absolute_url()).content.decode()
    assert 'data-testid="topic-follow"' in page
    for testid in (
        "topic-pin",
        "topic-lock",
        "topic-move",
        "topic-merge",
        "topic-hide",
        "post-hide",
    ):
        assert f'data-testid="{testid}"' not in page


def test_follow_buttons_toggle(forum, client):
    """« Suivre ce sujet » and « Suivre cette catégorie » follow, then stop following; an
    outsider of a secret community gets a 404."""
    reader = member(forum["community"])
    client.force_login(reader)
    topic_url = _url(forum, "suivre")
    category_url = f"/communautes/{forum['community'].slug}/forum/{forum['help'].pk}/suivre/"
    assert client.post(topic_url).status_code == 302
    assert content.is_following(reader, forum["topic"])
    assert client.post(category_url).status_code == 302
    assert content.is_following(reader, forum["help"])
    page = client.get(forum["help"].get_absolute_url()).content.decode()
    assert "ne plus suivre cette catégorie" in page
    assert client.post(topic_url).status_code == 302
    assert not content.is_following(reader, forum["topic"])
    assert client.get(topic_url).status_code == 405
    secret = CommunityFactory(private_secret=True)
    hidden_topic = start_topic(category(secret), member(secret))
    client.force_login(AgentFactory())
    url = f"/communautes/{secret.slug}/forum/sujet/{hidden_topic.pk}/suivre/"
    assert client.post(url).status_code == 404
