"""The idea box's pages cost the same number of SQL queries whatever the box's size: each page
and the support button are counted with 3 ideas, supports per idea and comments, then again with
30, and the count is pinned — the pages bench/ideas.py measures on 100,000 ideas and 2,000,000
supports."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ideas import comments, services
from ideas.models import Idea, IdeaComment, IdeaSupport
from tests.factories import CommunityFactory, MembershipFactory, ThemeFactory

pytestmark = pytest.mark.django_db

S = Idea.Status
# An idea's status by its rank in the box: every column of the roadmap gets ideas.
CYCLE = [S.NEW, S.STUDYING, S.ADOPTED, S.IMPLEMENTED, S.REJECTED]
MOVES = {
    S.NEW: [],
    S.STUDYING: [S.STUDYING],
    S.ADOPTED: [S.STUDYING, S.ADOPTED],
    S.IMPLEMENTED: [S.STUDYING, S.ADOPTED, S.IMPLEMENTED],
    S.REJECTED: [S.REJECTED],
}
# The queries of each page for a member who supports the box's ideas, at 3 rows and at 30 (the
# support button with what runs once it commits).
PINNED = {
    "index": 9,
    "trending": 9,
    "newest": 9,
    "commented": 9,
    "status": 9,
    "theme": 10,
    "supported": 9,
    "mine": 9,
    "roadmap": 11,
    "idea": 16,
    "similar": 8,
    "support": 33,  # two POSTs, withdrawn then given again, with what runs once they commit
}


class Box:
    """A community's idea box that grows through the services, as its members make it grow."""

    def __init__(self):
        self.community = CommunityFactory(open=True)
        self.themes = [ThemeFactory(), ThemeFactory()]
        self.community.themes.add(*self.themes)
        self.animator = MembershipFactory(community=self.community, animator=True).agent
        self.viewer = MembershipFactory(community=self.community).agent
        self.members = []
        self.ideas = []

    def grow(self, rows):
        """Up to ``rows`` ideas (one of them the viewer's, each in the status of its rank), each
        open idea supported by ``rows`` members (the viewer among them), and ``rows`` comments
        on the first idea. Every author, supporter and commenter acts a few times only: the
        flood limits are not what is measured."""
        while len(self.members) < rows + 1:
            self.members.append(MembershipFactory(community=self.community).agent)
        for rank in range(len(self.ideas), rows):
            author = self.viewer if rank == 1 else self.members[rank]
            idea = services.idea_submit(
                community=self.community,
                agent=author,
                title=f"Mutualiser le suivi des avenants, proposition n° {rank + 1}",
                body="**Constat** : chaque service refait le même travail.",
                themes=[self.themes[rank % 2]],
            )
            self.ideas.append(idea)
        for idea in self.ideas:
            idea.refresh_from_db()
            if idea.status not in (S.NEW, S.STUDYING, S.ADOPTED):
                continue
            for agent in [self.viewer, *self.members[:rows]]:
                if agent.pk != idea.author_id:
                    services.support_toggle(idea=idea, agent=agent, support=True)
        for rank, idea in enumerate(self.ideas):
            idea.refresh_from_db()
            target = CYCLE[rank % len(CYCLE)]
            if idea.status == S.NEW and target != S.NEW:
                for status in MOVES[target]:
                    services.idea_set_status(
                        idea=idea, actor=self.animator, status=status, answer="Notre réponse."
                    )
                    idea.refresh_from_db()
        first = self.ideas[0]
        first.refresh_from_db()
        for number in range(IdeaComment.objects.filter(idea=first).count(), rows):
            comments.comment_create(
                idea=first,
                agent=self.members[number % len(self.members)],
                body=f"Tout à fait d'accord (commentaire n° {number + 1}).",
            )

    def pages(self):
        slug = self.community.slug
        index = reverse("ideas:index", args=[slug])
        first = self.ideas[0]
        return {
            "index": index,
            "trending": f"{index}?tri=tendance",
            "newest": f"{index}?tri=recentes",
            "commented": f"{index}?tri=commentees",
            "status": f"{index}?statut={S.STUDYING}",
            "theme": f"{index}?theme={self.themes[0].slug}",
            "supported": f"{index}?mes=soutenues",
            "mine": f"{index}?mes=idees",
            "roadmap": reverse("ideas:roadmap", args=[slug]),
            "idea": reverse("ideas:idea", args=[slug, first.pk]),
            "similar": reverse("ideas:similar", args=[slug]) + "?titre=suivi+des+avenants",
        }


def _count(func, run_on_commit):
    """The queries of ``func`` and of what it runs once its transaction commits."""
    with CaptureQueriesContext(connection) as captured, run_on_commit(execute=True):
        func()
    return len(captured)


def _get(client, url):
    def request():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return request


def _support_twice(client, box):
    """The viewer withdraws their support of the first idea, then gives it again (two POSTs of
    the htmx button)."""
    url = reverse("ideas:support", args=[box.community.slug, box.ideas[0].pk])

    def request():
        for notice in ("Vous ne soutenez plus cette idée", "Vous soutenez cette idée"):
            response = client.post(url, headers={"HX-Request": "true"})
            assert response.status_code == 200, (url, response.status_code)
            assert notice in response.content.decode(), response.content.decode()

    return request


def _counts(client, box, run_on_commit):
    counts = {name: _count(_get(client, url), run_on_commit) for name, url in box.pages().items()}
    counts["support"] = _count(_support_twice(client, box), run_on_commit)
    return counts


def test_query_counts_do_not_grow_with_the_box(client, django_capture_on_commit_callbacks):
    """The list sorted each way, filtered by a status, a theme, « que je soutiens » and « mes
    idées », the roadmap, an idea with its comments, the similar ideas of a title and the
    support button: the same queries with 3 ideas, supports and comments as with 30, and the
    pinned number."""
    run_on_commit = django_capture_on_commit_callbacks
    box = Box()
    with run_on_commit(execute=True):
        box.grow(3)
    client.force_login(box.viewer)
    _counts(client, box, run_on_commit)  # warm the caches (content types, session, trending)
    small = _counts(client, box, run_on_commit)

    with run_on_commit(execute=True):
        box.grow(30)
    first = Idea.objects.get(pk=box.ideas[0].pk)
    # The comparison means something: ten times the ideas, supports and comments.
    assert Idea.objects.filter(community=box.community).count() == 30
    assert first.support_count >= 30 and first.comment_count == 30
    assert IdeaSupport.objects.filter(agent=box.viewer).count() >= 10
    assert set(Idea.objects.values_list("status", flat=True)) == set(CYCLE)
    big = _counts(client, box, run_on_commit)

    assert big == small, (small, big)
    assert small == PINNED, f"{small}"
