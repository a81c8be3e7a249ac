"""The forums' pages (``forums.views``): every page renders for a member, ids of another
community answer 404, text typed by agents is inert, and a member without the charter reads
but does not post."""

from html import unescape

import pytest
from django.urls import reverse
from django.utils.html import escape

from forums import services
from forums.models import Category
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum():
    community = CommunityFactory(open=True)
    animator = MembershipFactory(community=community, animator=True).agent
    member = MembershipFactory(community=community).agent
    category = Category.objects.create(community=community, name="Entraide", is_help=True)
    topic = services.topic_create(category=category, agent=member, title="Question", body="Texte")
    reply = services.post_reply(topic=topic, agent=animator, body="Réponse")
    services.post_edit(post=reply, agent=animator, body="Réponse modifiée")
    services.solution_mark(topic=topic, agent=member, post=reply)
    return {
        "community": community,
        "animator": animator,
        "member": member,
        "category": category,
        "topic": topic,
        "reply": reply,
    }


def test_every_page_renders_for_the_animator(client, forum):
    """The forum's pages answer 200 (or redirect) for an animator."""
    slug = forum["community"].slug
    client.force_login(forum["animator"])
    pages = [
        reverse("forums:index", args=[slug]),
        reverse("forums:index", args=[slug]) + "?filtre=non-resolus&tri=votes",
        reverse("forums:category", args=[slug, forum["category"].pk]),
        reverse("forums:category", args=[slug, forum["category"].pk]) + "?filtre=suivis&page=2",
        reverse("forums:topic", args=[slug, forum["topic"].pk]),
        reverse("forums:topic_new", args=[slug, forum["category"].pk]),
        reverse("forums:post_edit", args=[slug, forum["reply"].pk]),
        reverse("forums:post_delete", args=[slug, forum["reply"].pk]),
        reverse("forums:post_history", args=[slug, forum["reply"].pk]),
        reverse("forums:categories", args=[slug]),
        reverse("forums:category_new", args=[slug]),
        reverse("forums:category_edit", args=[slug, forum["category"].pk]),
        reverse("forums:category_delete", args=[slug, forum["category"].pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    topic_page = client.get(
        reverse("forums:topic", args=[slug, forum["topic"].pk])
    ).content.decode()
    assert 'data-testid="solution-box"' in topic_page
    assert f'data-forum-topic="{forum["topic"].pk}"' in topic_page
    assert client.get(reverse("forums:post", args=[slug, forum["reply"].pk])).status_code == 302


def _other_forum():
    community = CommunityFactory(open=True)
    author = MembershipFactory(community=community).agent
    category = Category.objects.create(community=community, name="Ailleurs")
    topic = services.topic_create(category=category, agent=author, title="Autre", body="Autre")
    reply = services.post_reply(topic=topic, agent=author, body="Autre réponse")
    return category, topic, reply


def test_ids_of_another_community_answer_404(client, forum):
    """A topic, post or category of another community, put in this community's address, is
    not found (GET and POST alike), even for a platform administrator."""
    category, topic, reply = _other_forum()
    slug = forum["community"].slug
    client.force_login(forum["animator"])
    gets = [
        reverse("forums:category", args=[slug, category.pk]),
        reverse("forums:topic_new", args=[slug, category.pk]),
        reverse("forums:category_edit", args=[slug, category.pk]),
        reverse("forums:category_delete", args=[slug, category.pk]),
        reverse("forums:topic", args=[slug, topic.pk]),
        reverse("forums:topic_unread", args=[slug, topic.pk]),
        reverse("forums:post", args=[slug, reply.pk]),
        reverse("forums:post_edit", args=[slug, reply.pk]),
        reverse("forums:post_delete", args=[slug, reply.pk]),
        reverse("forums:post_history", args=[slug, reply.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        (reverse("forums:reply", args=[slug, topic.pk]), {"body": "Intrus"}),
        (reverse("forums:solution", args=[slug, topic.pk]), {"post": reply.pk}),
        (reverse("forums:solution", args=[slug, forum["topic"].pk]), {"post": reply.pk}),
        (reverse("forums:post_vote", args=[slug, reply.pk]), {"utile": "1"}),
        (reverse("forums:post_react", args=[slug, reply.pk]), {"emoji": "👍"}),
        (reverse("forums:post_delete", args=[slug, reply.pk]), {}),
        (reverse("forums:mark_read", args=[slug]), {"category": category.pk}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:  # the solution of this topic, with another's post
            assert (
                "Choisissez une réponse de ce sujet"
                in client.get(response["Location"]).content.decode()
            )
    reply.refresh_from_db()
    assert reply.vote_count == 0 and not reply.is_deleted
    assert reply.topic.last_number == 2
    forum["topic"].refresh_from_db()
    assert forum["topic"].solution_id == forum["reply"].pk


def test_html_and_script_are_inert_everywhere(client, forum):
    """HTML typed in a title, a post, a category's name and description is shown as text."""
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    category = services.category_create(
        community=forum["community"],
        actor=forum["animator"],
        name=f"Cat {evil}"[:100],
        description=f"Desc {evil}",
    )
    topic = services.topic_create(
        category=category, agent=forum["member"], title=f"Titre {evil}", body=f"Corps {evil}"
    )
    services.post_reply(
        topic=topic, agent=forum["animator"], body=f"[lien](javascript:alert(1)) {evil}"
    )
    slug = forum["community"].slug
    client.force_login(forum["member"])
    for url in [
        reverse("forums:index", args=[slug]),
        reverse("forums:category", args=[slug, category.pk]),
        topic.get_absolute_url(),
    ]:
        page = client.get(url).content.decode()
        assert "<script>alert" not in page, url
        assert "onerror=alert" not in page.replace("onerror=alert(1)&gt;", ""), url
        assert "javascript:alert" not in page, url
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert" in page  # shown, as text


def test_a_member_without_the_charter_reads_but_does_not_post(client, forum):
    """The topic page shows the charter prompt instead of the reply form; a forged reply or
    new topic is refused with the French message and nothing is written."""
    reader = MembershipFactory(community=forum["community"], without_charter=True).agent
    client.force_login(reader)
    slug = forum["community"].slug
    page = client.get(forum["topic"].get_absolute_url()).content.decode()
    assert 'data-testid="forum-charter-prompt"' in page
    assert 'data-testid="reply-form"' not in page
    assert "Réponse modifiée" in page  # reads
    response = client.post(
        reverse("forums:reply", args=[slug, forum["topic"].pk]), {"body": "Forcé"}, follow=True
    )
    assert "Acceptez la charte de la communauté avant de contribuer." in response.content.decode()
    response = client.post(
        reverse("forums:topic_new", args=[slug, forum["category"].pk]),
        {"title": "Forcé", "body": "Forcé"},
    )
    assert response.status_code == 400
    assert "Acceptez la charte de la communauté avant de contribuer." in response.content.decode()
    assert not forum["topic"].posts.filter(body="Forcé").exists()
    assert forum["topic"].posts.count() == 2


def test_an_outsider_of_a_private_community_gets_404(client, forum):
    """A private community's forum answers 404 to an outsider; a switched-off forum to all."""
    from tests.factories import AgentFactory

    private = CommunityFactory(private_listed=True)
    client.force_login(AgentFactory())
    assert client.get(reverse("forums:index", args=[private.slug])).status_code == 404
    forum["community"].tool_forum = False
    forum["community"].save()
    client.force_login(forum["member"])
    assert client.get(reverse("forums:index", args=[forum["community"].slug])).status_code == 404
    assert client.get(forum["topic"].get_absolute_url()).status_code == 404


def test_reply_quote_vote_and_solution_through_the_pages(client, forum):
    """Quote prefills the reply with a Markdown quote; a reply lands on its anchor; « utile »
    is counted once and withdrawn; the question's author marks and unmarks the solution."""
    slug = forum["community"].slug
    topic = forum["topic"]
    client.force_login(forum["member"])
    page = client.get(f"{topic.get_absolute_url()}?citer={forum['reply'].pk}").content.decode()
    assert "&gt; **" in page and "a écrit (message n° 2)" in page
    response = client.post(reverse("forums:reply", args=[slug, topic.pk]), {"body": "Merci !"})
    assert response["Location"].endswith("?page=1#message-3")
    response = client.post(reverse("forums:reply", args=[slug, topic.pk]), {"body": " "})
    assert response.status_code == 400 and "fr-error-text" in response.content.decode()
    vote = reverse("forums:post_vote", args=[slug, forum["reply"].pk])
    client.post(vote, {"utile": "1"})
    client.post(vote, {"utile": "1"})
    forum["reply"].refresh_from_db()
    assert forum["reply"].vote_count == 1
    client.post(vote, {"utile": "0"})
    forum["reply"].refresh_from_db()
    assert forum["reply"].vote_count == 0
    client.post(reverse("forums:solution", args=[slug, topic.pk]), {"action": "retirer"})
    topic.refresh_from_db()
    assert topic.solution_id is None
    client.post(reverse("forums:solution", args=[slug, topic.pk]), {"post": forum["reply"].pk})
    topic.refresh_from_db()
    assert topic.solution_id == forum["reply"].pk


def test_the_community_journal_shows_the_forums_audit_lines(client, forum):
    """Categories created, renamed and deleted, a post deleted by the animation: the
    community's journal lists them in French (an audit line never points at an object the
    journal cannot describe)."""
    community, animator = forum["community"], forum["animator"]
    category = services.category_create(community=community, actor=animator, name="Temporaire")
    services.category_update(category=category, actor=animator, name="Provisoire")
    services.category_delete(category=category, actor=animator)
    services.post_delete(post=forum["topic"].posts.get(number=1), agent=animator)
    client.force_login(animator)
    response = client.get(reverse("communities:audit_log", args=[community.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    for label in (
        "Catégorie de forum créée",
        "Catégorie de forum modifiée",
        "Catégorie de forum supprimée",
        "Message de forum supprimé par l'animation",
    ):
        assert escape(label) in page, label


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_query_counts_do_not_grow_with_the_rows(client, forum):
    """The forum's home, a category and a page of a topic cost the same number of queries with
    a few rows or with full pages (votes, reactions and files on every post)."""
    slug = forum["community"].slug
    topic = forum["topic"]
    reader = MembershipFactory(community=forum["community"]).agent
    client.force_login(reader)
    urls = [
        reverse("forums:index", args=[slug]),
        reverse("forums:category", args=[slug, forum["category"].pk]),
        topic.get_absolute_url(),
    ]
    client.get(urls[2])  # the read position exists from now on, as it will below
    before = [_count_queries(client, url) for url in urls]
    for i in range(30):
        services.topic_create(
            category=forum["category"], agent=forum["member"], title=f"Sujet {i}", body="Texte"
        )
        post = services.post_reply(topic=topic, agent=forum["member"], body=f"Réponse {i}")
        services.post_vote(post=post, agent=forum["animator"])
        services.post_react(post=post, agent=reader, emoji="👍")
    client.get(urls[2])
    after = [_count_queries(client, url) for url in urls]
    assert after == before


def test_reactions_are_offered_and_counted(client, forum):
    """Under a post, a member picks a reaction among five; it shows with its count, pressed for
    them, and a second press takes it back."""
    slug = forum["community"].slug
    client.force_login(forum["member"])
    page = client.get(forum["topic"].get_absolute_url()).content.decode()
    assert page.count('name="emoji" value="❤️"') >= 2  # under each post
    react = reverse("forums:post_react", args=[slug, forum["reply"].pk])
    client.post(react, {"emoji": "❤️"})
    page = client.get(forum["topic"].get_absolute_url()).content.decode()
    assert 'aria-pressed="true">❤️ 1</button>' in page
    client.post(react, {"emoji": "❤️"})
    page = client.get(forum["topic"].get_absolute_url()).content.decode()
    assert "❤️ 1</button>" not in page


def test_who_may_not_start_a_topic_is_told_why(client, forum):
    """In an animators-only category a member gets the reason instead of the form, and a forged
    POST is refused in French; an outsider of the open community reads but gets no form."""
    from tests.factories import AgentFactory

    news = Category.objects.create(
        community=forum["community"], name="Annonces", who_may_start="animators"
    )
    url = reverse("forums:topic_new", args=[forum["community"].slug, news.pk])
    client.force_login(forum["member"])
    page = unescape(client.get(url).content.decode())
    assert 'data-testid="topic-form"' not in page
    assert "seule l'animation ouvre des sujets" in page
    response = client.post(url, {"title": "Forcé", "body": "Forcé"})
    assert response.status_code == 400
    assert "seule l'animation ouvre des sujets" in unescape(response.content.decode())
    client.force_login(AgentFactory())
    page = client.get(
        reverse("forums:topic_new", args=[forum["community"].slug, forum["category"].pk])
    ).content.decode()
    assert "Seuls les membres de la communauté ouvrent des sujets." in page
    assert not news.topics.exists()


def test_headings_follow_each_other(client, forum):
    """The forum's home lists its recent topics under « Sujets récents » (h3) as h4, a category
    under its name (h2) as h3: no heading level is skipped."""
    import re
    from itertools import pairwise

    client.force_login(forum["member"])
    slug = forum["community"].slug
    for url in (
        reverse("forums:index", args=[slug]),
        reverse("forums:category", args=[slug, forum["category"].pk]),
        forum["topic"].get_absolute_url(),
    ):
        page = client.get(url).content.decode()
        main = page[page.index("<h1") :]
        levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", main)]
        assert all(b - a <= 1 for a, b in pairwise(levels)), (url, levels)
    home = client.get(reverse("forums:index", args=[slug])).content.decode()
    recent = home[home.index('id="forum-recent-title"') :]
    assert '<h4 class="fr-text--md fr-mb-1v">' in recent  # each topic below « Sujets récents »


def test_a_forged_reaction_with_markup_renders_as_text(client, forum):
    """A reaction is any short text a POST sends: markup in it is shown as text under the post,
    for whoever may react (a form) and whoever may not (a plain tag)."""
    slug = forum["community"].slug
    client.force_login(forum["member"])
    client.post(
        reverse("forums:post_react", args=[slug, forum["reply"].pk]),
        {"emoji": '"><i>x</i>'},
    )
    from tests.factories import AgentFactory

    for agent in (forum["member"], AgentFactory()):  # a form / a plain tag (not a member)
        client.force_login(agent)
        page = client.get(forum["topic"].get_absolute_url()).content.decode()
        assert "<i>x</i>" not in page
        assert "&quot;&gt;&lt;i&gt;x&lt;/i&gt; 1" in page


VOTE = 'data-testid="post-vote"'


@pytest.mark.parametrize(
    ("who", "expected", "absent"),
    [
        # The question's author: votes for the reply, marks it as the solution, edits and
        # deletes their own question, reports.
        ("member", {VOTE, "mark-solution", "Citer", "Signaler"}, {"post-hide"}),
        # The animator: everything on the reply, hide included; no vote on their own reply.
        ("animator", {"mark-solution", "post-hide", "Modifier", "Supprimer", "Historique"}, set()),
        # A signed-in agent of the platform who is not a member: reads, acts on nothing.
        ("outsider", set(), {VOTE, "mark-solution", "post-hide", "Citer", "Modifier"}),
    ],
)
def test_the_actions_under_the_posts_follow_the_abilities(client, forum, who, expected, absent):
    """The action bar under each post shows what the viewer may do, and nothing else."""
    from tests.factories import AgentFactory

    agent = forum.get(who) or AgentFactory()
    client.force_login(agent)
    page = client.get(forum["topic"].get_absolute_url()).content.decode()
    for marker in expected:
        assert marker in page, marker
    for marker in absent:
        assert marker not in page, marker
    # Every form that posts carries the CSRF field (the header's search is a GET form).
    assert page.count('method="post"') == page.count('name="csrfmiddlewaretoken"')
