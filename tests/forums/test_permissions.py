"""THE permission matrix of the forums: every state of an agent towards a community × every
ability of ``forums.permissions.ForumAbilities``, for an open community whose forum is on, the
same community archived, and the same with its forum tool off.

Each table is written out by hand from the policy's docstring. A row is one state; its 14 flags
are

    read | start(members' category) start(animators' category) | reply reply(locked) |
    edit(own) edit(other's) | delete(own) delete(other's) | solution(own question)
    solution(other's question) | vote(own post) vote(other's post) | manage categories

so ``"Y YN YN YN YN YY NY Y"`` … is spelled without spaces below. The querysets registered with
the policy (``readable_by``) are then checked against the same states on real rows, so a list can
never show what the page refuses.
"""

from types import SimpleNamespace

import pytest

from forums import services
from forums.models import Category, Post, Topic
from forums.permissions import forum_abilities
from maillage import policy
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ABILITIES = (
    "read",
    "start(members)",
    "start(animators)",
    "reply",
    "reply(locked)",
    "edit(own)",
    "edit(other)",
    "delete(own)",
    "delete(other)",
    "solution(own question)",
    "solution(other's question)",
    "vote(own)",
    "vote(other)",
    "manage categories",
)

# The personas (``tests/personas.py``) this matrix covers.
STATES = (
    "anonymous",
    "outsider",  # signed-in State agent, no membership (the community is open: they read)
    "external",  # external partner, member of another community only
    "member_without_charter",
    "member",
    "animator",
    "admin",  # platform administrator, not a member
    "banned",
)

EXPECTED = {
    "forum_on": {
        "anonymous": "NNNNNNNNNNNNNN",
        "outsider": "YNNNNNNNNNNNNN",
        "external": "NNNNNNNNNNNNNN",
        "member_without_charter": "YNNNNNNYNNNNNN",
        "member": "YYNYNYNYNYNNYN",
        "animator": "YYYYYYNYYYYNYY",
        "admin": "YNNNNNNYYYYNNY",
        "banned": "NNNNNNNNNNNNNN",
    },
    "archived": {
        "anonymous": "NNNNNNNNNNNNNN",
        "outsider": "YNNNNNNNNNNNNN",
        "external": "NNNNNNNNNNNNNN",
        "member_without_charter": "YNNNNNNNNNNNNN",
        "member": "YNNNNNNNNNNNNN",
        "animator": "YNNNNNNNNNNNNN",
        "admin": "YNNNNNNNNNNNNN",
        "banned": "NNNNNNNNNNNNNN",
    },
    "forum_off": dict.fromkeys(STATES, "NNNNNNNNNNNNNN"),
}


def _apply(variant, personas):
    if variant == "archived":
        personas.archive()
    if variant == "forum_off":
        personas.tool_off("forum")


def _flags(agent, community):
    fa = forum_abilities(agent, community)
    me = getattr(agent, "pk", None) or -1
    members = SimpleNamespace(who_may_start=Category.Starters.MEMBERS)
    animators = SimpleNamespace(who_may_start=Category.Starters.ANIMATORS)

    def topic(author, locked=False):
        return SimpleNamespace(
            pk=10,
            author_id=author,
            is_hidden=False,
            is_locked=locked,
            merged_into_id=None,
            is_question=True,
        )

    def post(author):
        return SimpleNamespace(
            author_id=author,
            is_deleted=False,
            is_hidden=False,
            topic=topic(-2),
            topic_id=10,
            number=2,
        )

    answers = (
        fa.can_read,
        fa.can_start(members),
        fa.can_start(animators),
        fa.can_reply(topic(-2)),
        fa.can_reply(topic(-2, locked=True)),
        fa.can_edit(post(me)),
        fa.can_edit(post(-2)),
        fa.can_delete(post(me)),
        fa.can_delete(post(-2)),
        fa.can_mark_solution(topic(me)),
        fa.can_mark_solution(topic(-2)),
        fa.can_vote(post(me)),
        fa.can_vote(post(-2)),
        fa.can_manage_categories,
    )
    return "".join("Y" if answer else "N" for answer in answers)


@pytest.mark.parametrize("variant", list(EXPECTED))
@pytest.mark.parametrize("state", STATES)
def test_the_matrix(state, variant, personas):
    """Each state's abilities in the forum are exactly the row written above."""
    _apply(variant, personas)
    got = _flags(personas[state], personas.community)
    expected = EXPECTED[variant][state]
    assert got == expected, {
        name: (g, e) for name, g, e in zip(ABILITIES, got, expected, strict=True) if g != e
    }


@pytest.mark.parametrize("variant", list(EXPECTED))
def test_readable_querysets_agree_with_the_abilities(variant, personas):
    """``policy.readable_by`` lists a category, a topic and a post exactly to the states that
    read the forum, and ``policy.can_read`` says the same; a hidden topic is read by those who
    moderate only."""
    community = personas.community
    author = MembershipFactory(community=community).agent
    category = Category.objects.create(community=community, name="Général")
    topic = services.topic_create(category=category, agent=author, title="Sujet", body="Texte")
    post = services.post_reply(topic=topic, agent=author, body="Réponse")
    agents = personas.all(STATES)
    _apply(variant, personas)
    for state, agent in agents.items():
        reads = EXPECTED[variant][state][0] == "Y"
        for obj in (category, Topic.objects.get(pk=topic.pk), Post.objects.get(pk=post.pk)):
            listed = policy.readable_by(agent, type(obj)).filter(pk=obj.pk).exists()
            assert listed == reads, (state, type(obj).__name__)
            assert policy.can_read(agent, obj) == reads, (state, type(obj).__name__)


def test_a_hidden_topic_is_read_by_the_animators_only(personas):
    community = personas.community
    author, animator = personas.member, personas.animator
    category = Category.objects.create(community=community, name="Général")
    topic = services.topic_create(category=category, agent=author, title="Sujet", body="Texte")
    Topic.objects.filter(pk=topic.pk).update(is_hidden=True)
    topic.refresh_from_db()
    post = Post.objects.get(topic=topic)
    assert not policy.can_read(author, topic) and not policy.can_read(author, post)
    assert policy.can_read(animator, topic) and policy.can_read(animator, post)
    assert not policy.readable_by(author, Post).filter(pk=post.pk).exists()
