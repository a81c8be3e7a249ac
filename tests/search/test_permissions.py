"""Who finds what in the search over everything, written out by hand: every persona of a community
(``tests/personas.py``) × its visibility × every type, through ``search_everything`` on the
database's backend and on a real OpenSearch node; then an external partner's colleagues, a removed member, a banned one."""

import pytest

from communities.models import Membership
from search.everything import search_everything
from search.indexing import rebuild
from tests.factories import AgentFactory, CommunityFactory, ExternalAgentFactory, MembershipFactory
from tests.personas import Personas
from tests.search.planted import BACKENDS, CONTENT_TYPES, plant, search_backend

pytestmark = pytest.mark.django_db

EVERY = {"community", *CONTENT_TYPES}
# What a State agent who is not a member may read of an open community: all but the chat.
OPEN_CONTENT = EVERY - {"chat_message"}
MEMBERS = {"member_without_charter", "member", "animator"}

# visibility -> persona -> the types found (the word is planted in the community's name too).
MATRIX = {
    "open": {
        "anonymous": set(),
        "outsider": OPEN_CONTENT,
        "external": set(),
        "requested": OPEN_CONTENT,
        **dict.fromkeys(MEMBERS, EVERY),
        "admin": EVERY,
        "banned": set(),
    },
    "on_request": {
        "anonymous": set(),
        "outsider": {"community"},
        "external": set(),
        "requested": {"community"},
        **dict.fromkeys(MEMBERS, EVERY),
        "admin": EVERY,
        "banned": set(),
    },
    "private_listed": {
        "anonymous": set(),
        "outsider": {"community"},
        "external": set(),
        "requested": {"community"},
        **dict.fromkeys(MEMBERS, EVERY),
        "admin": EVERY,
        "banned": set(),
    },
    "private_secret": {
        "anonymous": set(),
        "outsider": set(),
        "external": set(),
        "requested": set(),
        **dict.fromkeys(MEMBERS, EVERY),
        "admin": EVERY,
        "banned": set(),
    },
}


@pytest.fixture(params=BACKENDS)
def backend(request, settings):
    return search_backend(request, settings)


def found_types(agent, word):
    return {hit.type for hit in search_everything(agent, query=word, per_page=50).hits}


@pytest.mark.parametrize(
    "visibility",
    [
        "open",
        "on_request",
        "private_listed",
        "private_secret",
    ],
)
def test_the_matrix(visibility, backend):
    personas = Personas(CommunityFactory(visibility=visibility, name="Cercle Azalée"))
    agents = personas.all()
    plant(personas.community, "Azalée", author=agents["member"])
    rebuild(backend=backend)
    answers = {state: found_types(agent, "azalee") for state, agent in agents.items()}
    assert answers == MATRIX[visibility]


def test_an_archived_community_stays_readable(backend):
    personas = Personas(CommunityFactory(open=True, name="Cercle Hortensia"))
    agents = personas.all(["outsider", "member"])
    plant(personas.community, "Hortensia", author=agents["member"])
    personas.archive()
    rebuild(backend=backend)
    assert found_types(agents["outsider"], "hortensia") == OPEN_CONTENT
    assert found_types(agents["member"], "hortensia") == EVERY


def test_a_removed_member_loses_access_at_once(backend):
    community = CommunityFactory(private_listed=True)
    member = MembershipFactory(community=community).agent
    plant(community, "Camélia", author=member)
    rebuild(backend=backend)
    assert found_types(member, "camelia") == set(CONTENT_TYPES)
    # Nothing is indexed again: the viewer's keys are read at query time.
    Membership.objects.filter(community=community, agent=member).delete()
    assert found_types(member, "camelia") == set()


def test_a_banned_member_finds_nothing_of_the_community_even_open(backend):
    community = CommunityFactory(open=True, name="Cercle Dahlia")
    author = MembershipFactory(community=community).agent
    plant(community, "Dahlia", author=author)
    rebuild(backend=backend)
    Membership.objects.filter(community=community, agent=author).update(
        state=Membership.State.BANNED
    )
    assert found_types(author, "dahlia") == set()


def test_an_external_partner_finds_the_members_of_their_communities_only(backend):
    community = CommunityFactory(private_listed=True)
    external = ExternalAgentFactory()
    MembershipFactory(community=community, agent=external)
    colleague = MembershipFactory(
        community=community, agent=AgentFactory(last_name="Beaumanoir")
    ).agent
    stranger = AgentFactory(last_name="Beaumanoir")
    rebuild(backend=backend)
    hits = search_everything(external, query="beaumanoir").hits
    assert [(hit.type, hit.id) for hit in hits] == [("agent", colleague.pk)]
    state_agent_hits = search_everything(AgentFactory(), query="beaumanoir").hits
    assert {hit.id for hit in state_agent_hits} == {colleague.pk, stranger.pk}


def test_hidden_content_is_found_by_nobody_not_even_its_moderators(backend):
    personas = Personas(CommunityFactory(open=True))
    agents = personas.all(["member", "animator", "admin"])
    planted = plant(personas.community, "Gardénia", author=agents["member"])
    for obj in planted.objects().values():
        type(obj).objects.filter(pk=obj.pk).update(is_hidden=True)
    rebuild(backend=backend)
    for agent in agents.values():
        assert found_types(agent, "gardenia") == set()


def test_a_community_the_viewer_may_not_find_is_dropped_from_the_filters(backend):
    """The API itself drops a forged or stale community id from the filters (the page, the
    suggestions and any other caller alike), so a secret community's name never comes back
    among the applied filters; a listed one stays."""
    secret = CommunityFactory(visibility="private_secret", name="Cercle Ombre")
    listed = CommunityFactory(visibility="private_listed", name="Cercle Lumière")
    outsider = AgentFactory()
    result = search_everything(outsider, filters={"community": [str(secret.pk), str(listed.pk)]})
    assert result.filters == {"community": (str(listed.pk),)}
