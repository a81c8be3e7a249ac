"""The canary of a secret community: a word planted in every indexed type inside a secret community
(its card, a blog post, a forum topic and reply, a wiki page and its attached PDF, a library file,
an idea, a chat message) and in a direct conversation, searched through ``search_everything`` by
those who must not find it and by those who must.

Each test runs on the database's backend and on a real OpenSearch node (``planted.BACKENDS``)."""

import pytest

from search.everything import search_everything, suggest
from search.indexing import rebuild
from tests.factories import AgentFactory, CommunityFactory, ExternalAgentFactory, MembershipFactory
from tests.search.planted import BACKENDS, CONTENT_TYPES, plant, plant_direct, search_backend

pytestmark = pytest.mark.django_db

CANARY = "Ornithorynque"
QUERIES = ("ornithorynque", "ORNITHORYNQUES", '"Page Ornithorynque"', "ornithor")


@pytest.fixture(params=BACKENDS)
def backend(request, settings):
    return search_backend(request, settings)


@pytest.fixture
def secret(backend):
    community = CommunityFactory(private_secret=True, name=f"Cercle {CANARY}")
    member = MembershipFactory(community=community).agent
    planted = plant(community, CANARY, author=member, attachment_word=f"Annexe{CANARY}")
    first, second = AgentFactory(), AgentFactory()
    direct = plant_direct(first, second, CANARY)
    # An external partner and an invited agent of the same community, a banned one.
    external = ExternalAgentFactory()
    MembershipFactory(community=CommunityFactory(), agent=external)
    invited = MembershipFactory(community=community, invited=True).agent
    banned = MembershipFactory(community=community, banned=True).agent
    rebuild(backend=backend)
    return {
        "planted": planted,
        "member": member,
        "direct": direct,
        "first": first,
        "outsiders": {
            "outsider": AgentFactory(),
            "external": external,
            "invited": invited,
            "banned": banned,
            "the other participants' colleague": MembershipFactory(
                community=CommunityFactory(open=True), agent=AgentFactory()
            ).agent,
        },
        "admin": AgentFactory(platform_admin=True),
    }


def everything_found(agent, query):
    result = search_everything(agent, query=query, per_page=50)
    hits = list(result.hits)
    hits += suggest(agent, query)
    return result.total, {(hit.type, hit.id) for hit in hits}


def test_nobody_outside_finds_the_canary(secret):
    for name, agent in secret["outsiders"].items():
        for query in QUERIES:
            total, hits = everything_found(agent, query)
            assert (total, hits) == (0, set()), (name, query)
        # Nor by a filter on the community.
        community_id = str(secret["planted"].community.pk)
        filtered = search_everything(agent, filters={"community": [community_id]})
        assert filtered.total == 0, name


def test_a_member_finds_every_type_and_the_admin_all_but_the_conversation(secret):
    planted = secret["planted"]
    expected = {(type_name, obj.pk) for type_name, obj in planted.objects().items()}
    expected.add(("community", planted.community.pk))
    assert {type_name for type_name, _pk in expected} == {"community", *CONTENT_TYPES}
    assert everything_found(secret["member"], "ornithorynque")[1] == expected
    # The attached PDF's own word finds the wiki page (on PostgreSQL the community, whose name
    # holds a word alike, too: names are found despite a typo).
    found = everything_found(secret["member"], f"annexe{CANARY}")[1]
    assert ("wiki_page", planted.page.pk) in found
    assert found <= {("wiki_page", planted.page.pk), ("community", planted.community.pk)}
    # Administrators read every community, never the private conversations.
    assert everything_found(secret["admin"], "ornithorynque")[1] == expected


def test_the_direct_conversation_is_found_by_its_participants_only(secret):
    direct = secret["direct"]
    assert everything_found(secret["first"], "ornithorynque")[1] == {("chat_message", direct.pk)}
    assert ("chat_message", direct.pk) not in everything_found(secret["member"], "ornithorynque")[1]
