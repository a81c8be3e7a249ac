"""THE permission matrix of the idea box: every state of an agent towards a community × every
ability of ``ideas.permissions.IdeaAbilities``, for an open community whose box is on, a private
(listed) one, the open one archived, the open one with its tool off, and the platform box
« Améliorer Maillage ».

Each table is written out by hand from the policy's docstring. A row is one state; its 14 flags
are

    read | submit(members' box) submit(animators' box) | support(other's) support(own)
    support(closed idea) | comment | edit(own, new) edit(own, under study) edit(other's) |
    set status | merge | export | will join (the platform box's first contribution)

The querysets registered with the policy (``readable_by``) are then checked against the same
states on real rows, so a list can never show what the page refuses.
"""

from types import SimpleNamespace

import pytest

from ideas import services
from ideas.models import Idea, IdeaBox, IdeaComment, IdeaStatusChange
from ideas.permissions import idea_abilities
from maillage import policy
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ABILITIES = (
    "read",
    "submit(members)",
    "submit(animators)",
    "support(other)",
    "support(own)",
    "support(closed)",
    "comment",
    "edit(own, new)",
    "edit(own, studying)",
    "edit(other)",
    "set status",
    "merge",
    "export",
    "will join",
)

STATES = (
    "anonymous",
    "outsider",  # signed-in State agent, no membership
    "external",  # external partner, member of another community only
    "requested",  # asked to join, not accepted
    "member_without_charter",
    "member",
    "animator",
    "admin",  # platform administrator, not a member
    "banned",
)

NOTHING = "NNNNNNNNNNNNNN"
READS = "YNNNNNNNNNNNNN"
MEMBER = "YYNYNNYYNNNNNN"

EXPECTED = {
    "open": {
        "anonymous": NOTHING,
        "outsider": READS,
        "external": NOTHING,
        "requested": READS,
        "member_without_charter": READS,
        "member": MEMBER,
        "animator": "YYYYNNYYYYYYYN",
        "admin": "YNNNNNNYYYYYYN",
        "banned": NOTHING,
    },
    "private": {
        "anonymous": NOTHING,
        "outsider": NOTHING,
        "external": NOTHING,
        "requested": NOTHING,
        "member_without_charter": READS,
        "member": MEMBER,
        "animator": "YYYYNNYYYYYYYN",
        "admin": "YNNNNNNYYYYYYN",
        "banned": NOTHING,
    },
    "archived": {
        "anonymous": NOTHING,
        "outsider": READS,
        "external": NOTHING,
        "requested": READS,
        "member_without_charter": READS,
        "member": READS,
        "animator": READS,
        "admin": READS,
        "banned": NOTHING,
    },
    "tool_off": dict.fromkeys(STATES, NOTHING),
    # Any State agent contributes (and joins); the platform administrators alone answer; the
    # community has no charter (the « without charter » member is a member like the others).
    "platform": {
        "anonymous": NOTHING,
        "outsider": "YYNYNNYNNNNNNY",
        "external": NOTHING,
        "requested": READS,
        "member_without_charter": MEMBER,
        "member": MEMBER,
        "animator": MEMBER,
        "admin": "YYYYNNYYYYYYYY",
        "banned": NOTHING,
    },
}


@pytest.fixture
def variant_personas(request, make_personas):
    variant = request.param
    if variant == "platform":
        personas = make_personas(community=services.platform_box().community)
    elif variant == "private":
        personas = make_personas(private_listed=True)
    else:
        personas = make_personas()
    personas.variant = variant
    return personas


def _apply(personas):
    if personas.variant == "archived":
        personas.all(STATES)
        personas.archive()
    if personas.variant == "tool_off":
        personas.tool_off("ideas")


def _flags(agent, community, is_platform):
    me = getattr(agent, "pk", None) or -1

    def box(who):
        return SimpleNamespace(is_platform=is_platform, who_may_submit=who)

    def idea(author, status=Idea.Status.NEW):
        return SimpleNamespace(
            pk=10,
            community_id=community.pk,
            author_id=author,
            is_hidden=False,
            status=status,
            is_merged=status == Idea.Status.MERGED,
        )

    ia = idea_abilities(agent, community, box=box(IdeaBox.Submitters.MEMBERS))
    animators_box = idea_abilities(agent, community, box=box(IdeaBox.Submitters.ANIMATORS))
    answers = (
        ia.can_read,
        ia.can_submit,
        animators_box.can_submit,
        ia.can_support(idea(-2)),
        ia.can_support(idea(me)),
        ia.can_support(idea(-2, Idea.Status.REJECTED)),
        ia.can_comment(idea(-2)),
        ia.can_edit(idea(me)),
        ia.can_edit(idea(me, Idea.Status.STUDYING)),
        ia.can_edit(idea(-2)),
        ia.can_set_status(idea(-2)),
        ia.can_merge(idea(-2)),
        ia.can_export,
        ia.will_join,
    )
    return "".join("Y" if answer else "N" for answer in answers)


@pytest.mark.parametrize("variant_personas", list(EXPECTED), indirect=True)
@pytest.mark.parametrize("state", STATES)
def test_the_matrix(state, variant_personas):
    """Each state's abilities in the idea box are exactly the row written above."""
    personas = variant_personas
    _apply(personas)
    got = _flags(personas[state], personas.community, personas.variant == "platform")
    expected = EXPECTED[personas.variant][state]
    assert got == expected, {
        name: (g, e) for name, g, e in zip(ABILITIES, got, expected, strict=True) if g != e
    }


def test_the_abilities_read_the_platform_flag_from_the_stored_box(make_personas):
    """Without a box given, the abilities read the community's box: the platform box's rule
    applies to its community only."""
    platform = make_personas(community=services.platform_box().community)
    assert idea_abilities(platform.outsider, platform.community).can_submit
    assert idea_abilities(platform.admin, platform.community).can_moderate
    assert not idea_abilities(platform.animator, platform.community).can_moderate
    other = make_personas()
    assert not idea_abilities(other.outsider, other.community).can_submit
    assert idea_abilities(other.animator, other.community).can_moderate


def test_a_hidden_or_merged_idea(personas):
    """A hidden idea is read by those who moderate only; a merged one is read but takes no
    support, comment, edit or status."""
    member, animator = personas.member, personas.animator
    ia = idea_abilities(member, personas.community)
    hidden = SimpleNamespace(
        pk=1,
        community_id=personas.community.pk,
        author_id=member.pk,
        is_hidden=True,
        status="new",
        is_merged=False,
    )
    assert not ia.can_read_idea(hidden)
    assert idea_abilities(animator, personas.community).can_read_idea(hidden)
    merged = SimpleNamespace(**{**vars(hidden), "is_hidden": False, "status": "merged"})
    merged.is_merged = True
    other = idea_abilities(personas.outsider, personas.community)
    assert other.can_read_idea(merged)
    ab = idea_abilities(animator, personas.community)
    assert not any(
        (
            ab.can_support(merged),
            ab.can_comment(merged),
            ab.can_edit(merged),
            ab.can_set_status(merged),
            ab.can_merge(merged),
        )
    )


def test_another_communitys_idea_is_not_read_through_this_box(personas, make_personas):
    elsewhere = make_personas().community
    idea = SimpleNamespace(
        pk=1, community_id=elsewhere.pk, author_id=-2, is_hidden=False, status="new"
    )
    assert not idea_abilities(personas.animator, personas.community).can_read_idea(idea)


@pytest.mark.parametrize(
    "variant_personas", ["open", "private", "archived", "tool_off", "platform"], indirect=True
)
def test_readable_querysets_agree_with_the_abilities(variant_personas):
    """``policy.readable_by`` lists an idea, its comment, its status change and its box exactly
    to the states that read the box, and ``policy.can_read`` says the same."""
    personas = variant_personas
    community = personas.community
    author = MembershipFactory(community=community).agent
    idea = services.idea_submit(community=community, agent=author, title="Idée", body="Texte")
    comment = IdeaComment.objects.create(
        community=community, idea=idea, author=author, body="Un commentaire"
    )
    change = IdeaStatusChange.objects.create(idea=idea, old="new", new="studying", actor=author)
    box = IdeaBox.objects.get(community=community)
    agents = personas.all(STATES)
    _apply(personas)
    for state, agent in agents.items():
        reads = EXPECTED[personas.variant][state][0] == "Y"
        for obj in (Idea.objects.get(pk=idea.pk), comment, change, box):
            obj = type(obj).objects.get(pk=obj.pk)
            listed = policy.readable_by(agent, type(obj)).filter(pk=obj.pk).exists()
            assert listed == reads, (state, type(obj).__name__)
            assert policy.can_read(agent, obj) == reads, (state, type(obj).__name__)


def test_hidden_ideas_and_comments_are_read_by_those_who_moderate_only(personas):
    community = personas.community
    author, animator = personas.member, personas.animator
    idea = services.idea_submit(community=community, agent=author, title="Idée", body="Texte")
    comment = IdeaComment.objects.create(
        community=community, idea=idea, author=author, body="Un commentaire"
    )
    Idea.objects.filter(pk=idea.pk).update(is_hidden=True)
    idea.refresh_from_db()
    comment.refresh_from_db()
    assert not policy.can_read(author, idea) and not policy.can_read(author, comment)
    assert policy.can_read(animator, idea) and policy.can_read(animator, comment)
    assert not policy.readable_by(author, Idea).filter(pk=idea.pk).exists()
    assert not policy.readable_by(author, IdeaComment).filter(pk=comment.pk).exists()
