"""THE permission matrix of the wiki: every state of an agent towards a community × every ability
of ``wiki.permissions.WikiAbilities``, for an open community whose wiki is on, the same with the
wiki's editing kept to the animators, the community archived, and its wiki tool off.

Each table is written out by hand from the policy's docstring. A row is one state; its 10 flags
are

    read | create a page | edit a page | edit a protected page | rename | move a page |
    move the home page | protect | reorder a FAQ | wiki settings

The querysets registered with the policy (``readable_by``) are then checked against the same
states on real rows, so a list can never show what the page refuses.
"""

from types import SimpleNamespace

import pytest

from maillage import policy
from tests.factories import MembershipFactory
from wiki import services
from wiki.models import Page, Revision, WikiSettings
from wiki.permissions import wiki_abilities

pytestmark = pytest.mark.django_db

ABILITIES = (
    "read",
    "create",
    "edit",
    "edit(protected)",
    "rename",
    "move",
    "move(home)",
    "protect",
    "reorder(faq)",
    "settings",
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
    "wiki_on": {
        "anonymous": "NNNNNNNNNN",
        "outsider": "YNNNNNNNNN",
        "external": "NNNNNNNNNN",
        "member_without_charter": "YNNNNNNNNN",
        "member": "YYYNYYNNNN",
        "animator": "YYYYYYNYYY",
        "admin": "YYYYYYNYYY",
        "banned": "NNNNNNNNNN",
    },
    "animators_edit": {
        "anonymous": "NNNNNNNNNN",
        "outsider": "YNNNNNNNNN",
        "external": "NNNNNNNNNN",
        "member_without_charter": "YNNNNNNNNN",
        "member": "YNNNNNNNNN",
        "animator": "YYYYYYNYYY",
        "admin": "YYYYYYNYYY",
        "banned": "NNNNNNNNNN",
    },
    "archived": {
        "anonymous": "NNNNNNNNNN",
        "outsider": "YNNNNNNNNN",
        "external": "NNNNNNNNNN",
        "member_without_charter": "YNNNNNNNNN",
        "member": "YNNNNNNNNN",
        "animator": "YNNNNNNNNN",
        "admin": "YNNNNNNNNN",
        "banned": "NNNNNNNNNN",
    },
    "wiki_off": dict.fromkeys(STATES, "NNNNNNNNNN"),
}


def _apply(variant, personas):
    if variant == "archived":
        personas.archive()
    if variant == "wiki_off":
        personas.tool_off("wiki")
    if variant == "animators_edit":
        WikiSettings.objects.create(
            community=personas.community, who_may_edit=WikiSettings.Editors.ANIMATORS
        )


def _page(**fields):
    values = {
        "is_hidden": False,
        "protected": False,
        "is_home": False,
        "is_faq": False,
        "community_id": None,
    }
    values.update(fields)
    return SimpleNamespace(**values)


def _flags(agent, community):
    wa = wiki_abilities(agent, community)
    answers = (
        wa.can_read,
        wa.can_create,
        wa.can_edit(_page()),
        wa.can_edit(_page(protected=True)),
        wa.can_rename(_page()),
        wa.can_move(_page()),
        wa.can_move(_page(is_home=True)),
        wa.can_protect(_page()),
        wa.can_reorder(_page(is_faq=True)),
        wa.can_manage_settings,
    )
    return "".join("Y" if answer else "N" for answer in answers)


@pytest.mark.parametrize("variant", list(EXPECTED))
@pytest.mark.parametrize("state", STATES)
def test_the_matrix(state, variant, personas):
    """Each state's abilities in the wiki are exactly the row written above."""
    _apply(variant, personas)
    got = _flags(personas[state], personas.community)
    expected = EXPECTED[variant][state]
    assert got == expected, {
        name: (g, e) for name, g, e in zip(ABILITIES, got, expected, strict=True) if g != e
    }


@pytest.mark.parametrize("variant", list(EXPECTED))
def test_readable_querysets_agree_with_the_abilities(variant, personas):
    """``policy.readable_by`` lists a page and its revision exactly to the states that read the
    wiki, and ``policy.can_read`` says the same."""
    community = personas.community
    author = MembershipFactory(community=community).agent
    page = services.page_create(community=community, agent=author, title="Guide", body="Texte")
    revision = Revision.objects.get(page=page)
    agents = personas.all(STATES)
    _apply(variant, personas)
    for state, agent in agents.items():
        reads = EXPECTED[variant][state][0] == "Y"
        for obj in (Page.objects.get(pk=page.pk), Revision.objects.get(pk=revision.pk)):
            listed = policy.readable_by(agent, type(obj)).filter(pk=obj.pk).exists()
            assert listed == reads, (state, type(obj).__name__)
            assert policy.can_read(agent, obj) == reads, (state, type(obj).__name__)


def test_a_hidden_page_is_read_by_the_animators_only_and_edited_by_nobody(personas):
    """A page hidden by the moderation: its author neither reads nor edits it, the animators
    read it (to restore it) but do not edit it while it is hidden."""
    community = personas.community
    author, animator = personas.member, personas.animator
    page = services.page_create(community=community, agent=author, title="Guide", body="Texte")
    Page.objects.filter(pk=page.pk).update(is_hidden=True)
    page.refresh_from_db()
    revision = Revision.objects.get(page=page)
    assert not policy.can_read(author, page) and not policy.can_read(author, revision)
    assert policy.can_read(animator, page) and policy.can_read(animator, revision)
    assert not policy.readable_by(author, Revision).filter(pk=revision.pk).exists()
    assert not wiki_abilities(animator, community).can_edit(page)


def test_a_secret_communitys_pages_are_read_by_its_members_only(make_personas):
    """Outsiders of a secret community never read its wiki, whatever its tool says."""
    personas = make_personas(private_secret=True)
    community, member, outsider = personas.community, personas.member, personas.outsider
    page = services.page_create(community=community, agent=member, title="Secret", body="Texte")
    assert policy.can_read(member, page)
    assert not policy.can_read(outsider, page)
    assert not policy.readable_by(outsider, Page).filter(pk=page.pk).exists()
