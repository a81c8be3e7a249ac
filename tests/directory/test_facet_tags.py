"""The facets' tags stored on each agent's row (``directory.facet_tags``): kept exact by every
path that changes an agent's skills or memberships, never put back by a save of an agent read
before, and counted by the database search as the joins counted them."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag, TaggedItem

from communities.models import Membership
from directory import facet_tags
from directory.models import Agent
from search import api
from tests.factories import AgentFactory, CommunityFactory, MembershipFactory
from tests.plans import plan_of
from tests.search.dataset import build_directory

pytestmark = pytest.mark.django_db


def stored(agent):
    return Agent.objects.values_list("facet_tags", flat=True).get(pk=agent.pk)


def skill(name):
    return f"skill:{Tag.objects.get(name=name).pk}"


def test_skills_added_removed_and_set_follow():
    agent = AgentFactory()
    assert stored(agent) == []
    agent.skills.add("Urbanisme", "Eau")
    assert stored(agent) == sorted([skill("Urbanisme"), skill("Eau")])
    agent.skills.remove("Eau")
    assert stored(agent) == [skill("Urbanisme")]
    agent.skills.set(["Droit public", "Marchés publics"])
    assert stored(agent) == sorted([skill("Droit public"), skill("Marchés publics")])
    agent.skills.clear()
    assert stored(agent) == []


def test_a_taggit_operation_refreshes_once_whatever_its_number_of_tags():
    """Adding five skills writes the row once, not once per tagged item."""
    agent = AgentFactory()
    with CaptureQueriesContext(connection) as captured:
        agent.skills.add("A1", "A2", "A3", "A4", "A5")
    updates = [q for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert len(stored(agent)) == 5


def test_a_tagged_item_written_directly_follows():
    agent = AgentFactory()
    tag = Tag.objects.create(name="Hydrographie", slug="hydrographie")
    item = TaggedItem.objects.create(
        tag=tag, content_type=ContentType.objects.get_for_model(Agent), object_id=agent.pk
    )
    assert stored(agent) == [f"skill:{tag.pk}"]
    item.delete()
    assert stored(agent) == []


def test_memberships_follow_their_state():
    agent = AgentFactory()
    community = CommunityFactory(slug="reseau-eau")
    membership = MembershipFactory(community=community, agent=agent)
    assert stored(agent) == ["community:reseau-eau"]
    membership.state = Membership.State.BANNED
    membership.save()
    assert stored(agent) == []
    membership.state = Membership.State.ACTIVE
    membership.save()
    assert stored(agent) == ["community:reseau-eau"]
    membership.delete()
    assert stored(agent) == []


def test_an_agent_read_before_a_change_never_puts_its_old_tags_back():
    """The profile form saves an agent read before its skills changed: the stored tags stay the
    new ones (``Agent.save()`` never writes them)."""
    agent = AgentFactory()
    earlier = Agent.objects.get(pk=agent.pk)
    agent.skills.add("Urbanisme")
    MembershipFactory(community=CommunityFactory(slug="reseau-ads"), agent=agent)
    earlier.position = "Instructeur ADS"
    earlier.save()
    assert stored(agent) == sorted([skill("Urbanisme"), "community:reseau-ads"])
    assert Agent.objects.get(pk=agent.pk).position == "Instructeur ADS"


def test_bulk_writes_are_caught_up_by_refresh_all():
    """Rows written without signals (bulk writers) get their tags from ``refresh_all``, and a
    second run changes nothing: the stored tags are those every path computes."""
    d = build_directory()
    Agent.objects.update(facet_tags=[])
    facet_tags.refresh_all()
    assert stored(d.hugo) == sorted([skill("Eau"), skill("Urbanisme")])
    assert stored(d.marie) == sorted([skill("Urbanisme"), f"community:{d.network.slug}"])
    with CaptureQueriesContext(connection) as captured:
        facet_tags.refresh_all()
    assert not [q for q in captured.captured_queries if q["sql"].startswith("UPDATE")]


def test_the_facets_count_the_stored_tags_as_the_memberships_and_skills_say():
    """The skill and community facets of a search, counted from the stored tags, are those the
    skills and memberships give (counted here by hand, for every facet value)."""
    d = build_directory()
    result = api.search_agents(d.viewer, query="", filters={}, sort="relevance", page=1)
    found = {facet.name: {o.value: o.count for o in facet.options} for facet in result.facets}
    agents = Agent.objects.filter(is_active=True, closed_at__isnull=True)
    agent_type = ContentType.objects.get_for_model(Agent)
    for tag in Tag.objects.filter(slug__in=found["skill"]):
        items = TaggedItem.objects.filter(
            tag=tag, content_type=agent_type, object_id__in=agents.values("pk")
        )
        assert found["skill"][tag.slug] == items.count()
    for slug, count in found["community"].items():
        members = Membership.objects.filter(
            community__slug=slug, state=Membership.State.ACTIVE, agent__in=agents
        )
        assert count == members.count()
    assert found["community"]  # the network's members are counted


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_a_skill_filter_reads_the_tags_index_on_postgresql():
    """On PostgreSQL a skill filter reads its agents from the GIN index of the stored tags
    (migration 0009), not by joining every agent to the tagged items."""
    from bench.generator import generate_directory

    generate_directory(agents=3000, services=60, seed=3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_agent")
    viewer = Agent.objects.filter(is_active=True).first()
    agent_type = ContentType.objects.get_for_model(Agent)
    items = TaggedItem.objects.filter(content_type=agent_type)
    # A rare skill: at this size, a common one is read faster by scanning the 3,000 rows.
    slug = items.values("tag__slug").annotate(n=Count("pk")).order_by("n")[0]["tag__slug"]
    with CaptureQueriesContext(connection) as captured:
        result = api.search_agents(viewer, query="", filters={"skill": [slug]}, page=1)
        assert result.total
    counting = next(q["sql"] for q in captured.captured_queries if ".facet_tags) AS t" in q["sql"])
    plan = plan_of(counting)
    assert "directory_agent_facet_tags" in plan, plan
