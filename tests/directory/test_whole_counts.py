"""The counts of the directory's search over all of it, kept in the cache (``directory.whole_counts``):
read once, then from the cache, and exact after every change that can move them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from directory import whole_counts
from directory.models import Department
from search import api
from tests.factories import ExternalAgentFactory, MembershipFactory
from tests.search.dataset import build_directory

pytestmark = pytest.mark.django_db


@pytest.fixture
def d():
    return build_directory()


def counts(result, facet):
    """{label: count} of one facet of a search result."""
    found = next((f for f in result.facets if f.name == facet), None)
    return {option.label: option.count for option in found.options} if found else {}


def searched(viewer, **kwargs):
    """A search and the SQL it ran."""
    with CaptureQueriesContext(connection) as captured:
        result = api.search_agents(viewer, **kwargs)
        list(result.agents)
    return result, [query["sql"] for query in captured.captured_queries]


def tag_passes(sqls):
    """The statements counting the agents' stored tags (the skill and community facets)."""
    return [sql for sql in sqls if ".facet_tags) AS t" in sql]


def counted_tags(sqls):
    """Whether the skill and community facets were counted (a pass over the stored tags)."""
    return bool(tag_passes(sqls))


def counted_services(sqls):
    """Whether the matches were grouped by service (the total and the organisation's facets)."""
    return any(
        sql.startswith('SELECT "directory_agent"."service_id"') or "SELECT 'group'" in sql
        for sql in sqls
    )


def test_a_bare_search_is_counted_once_then_read_from_the_cache(d):
    """The second bare search runs none of the counting queries and shows the same facets."""
    first, first_sqls = searched(d.viewer)
    assert counted_services(first_sqls) and counted_tags(first_sqls)
    second, second_sqls = searched(d.viewer)
    assert not counted_services(second_sqls)
    assert not counted_tags(second_sqls)
    assert second.total == first.total == 10
    for facet in ("region", "department", "ministry", "kind", "skill", "community"):
        assert counts(second, facet) == counts(first, facet)
    assert len(second_sqls) < len(first_sqls)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"query": "urbanisme"},
        {"filters": {"region": "53"}},
        {"filters": {"community": "reseau-urbanisme"}},
    ],
)
def test_a_search_with_words_or_filters_is_always_counted(d, kwargs):
    """Only the whole directory's counts are kept: with words, or a filter narrowing a facet's
    count, every search counts afresh."""
    searched(d.viewer, **kwargs)
    _result, sqls = searched(d.viewer, **kwargs)
    assert counted_tags(sqls)


def test_a_chosen_skill_reads_its_own_counts_from_the_cache(d):
    """With a skill chosen, the skill facet is counted over the whole directory (without its own
    filter): those counts are the bare search's, from the cache; the others are counted."""
    searched(d.viewer)
    result, sqls = searched(d.viewer, filters={"skill": ["eau"]})
    assert result.total == 4
    assert counts(result, "skill")["Eau"] == 4
    assert counts(result, "skill")["Urbanisme"] == 4  # counted without the skill filter
    # One pass over the stored tags, the matches' (the community facet, with the skill filter);
    # the skill facet's own, over the whole directory, came from the cache.
    passes = tag_passes(sqls)
    skill = Tag.objects.get(name="Eau")
    # The skill filter: the stored tags on PostgreSQL, the tagged items on SQLite.
    assert len(passes) == 1
    assert f'"skill:{skill.pk}"' in passes[0] or "taggit_taggeditem" in passes[0]
    assert counted_services(sqls)  # the service groups carry the skill filter: counted


def _agent_gets_a_skill(d):
    d.nina.skills.add("Biodiversité")


def _agent_joins_the_network(d):
    MembershipFactory(community=d.network, agent=d.hugo)


def _agent_deactivated(d):
    d.hugo.is_active = False
    d.hugo.save()


def _service_moves_region(d):
    d.ddtm14.department = Department.objects.get(code="29")  # Finistère, in Bretagne
    d.ddtm14.save()


def _agent_deleted(d):
    d.nina.delete()


def _membership_left(d):
    d.network.memberships.get(agent=d.marie).delete()


@pytest.mark.parametrize(
    ("change", "facet", "label", "before", "after"),
    [
        (_agent_gets_a_skill, "skill", "Biodiversité", 1, 2),
        (_agent_joins_the_network, "community", "Réseau urbanisme", 3, 4),
        (_membership_left, "community", "Réseau urbanisme", 3, 2),
        (_agent_deactivated, "region", "Normandie", 3, 2),
        (_service_moves_region, "region", "Bretagne", 6, 9),
        (_agent_deleted, "region", "Normandie", 3, 2),
    ],
)
def test_counts_follow_every_change(d, change, facet, label, before, after):
    """The counts read from the cache are dropped by any change that moves them: the next bare
    search shows the new count."""
    searched(d.viewer)
    cached, sqls = searched(d.viewer)
    assert not counted_tags(sqls)
    assert counts(cached, facet).get(label, 0) == before
    change(d)
    fresh, sqls = searched(d.viewer)
    assert counts(fresh, facet).get(label, 0) == after
    assert counted_tags(sqls)


def test_a_sign_in_keeps_the_cached_counts(d):
    """Saving only fields no count reads (a sign-in's ``last_login``) keeps the counts."""
    from django.utils import timezone

    searched(d.viewer)
    d.hugo.last_login = timezone.now()
    d.hugo.save(update_fields=["last_login"])
    _result, sqls = searched(d.viewer)
    assert not counted_tags(sqls)
    d.hugo.is_active = False
    d.hugo.save(update_fields=["is_active"])
    result, sqls = searched(d.viewer)
    assert counted_tags(sqls)
    assert result.total == 9


def test_a_profile_saved_with_its_counted_fields_unchanged_keeps_the_counts(d):
    """A whole save of an agent (the profile form's) whose state, service and partner flag did
    not move keeps the counts; the same save that moves the service drops them."""
    from directory.models import Agent

    searched(d.viewer)
    hugo = Agent.objects.get(pk=d.hugo.pk)
    hugo.bio = "Chargé de mission biodiversité, en poste depuis 2019."
    hugo.position = "Chargé de mission"
    hugo.save()
    _result, sqls = searched(d.viewer)
    assert not counted_tags(sqls)

    hugo.service = d.ddtm35
    hugo.save()
    result, sqls = searched(d.viewer)
    assert counted_tags(sqls)
    assert counts(result, "department").get("Calvados (14)") == 2


def test_an_external_partner_never_gets_a_state_agents_counts(d):
    """The counts are kept per counting query: a partner who sees the network's members only
    gets their counts, after a State agent's bare search was cached, and the reverse."""
    partner = ExternalAgentFactory()
    MembershipFactory(community=d.network, agent=partner)
    state, _sqls = searched(d.viewer)
    theirs, _sqls = searched(partner)
    assert state.total == 11  # the ten, and the partner
    # The network's three members and the partner themself.
    assert theirs.total == 4
    assert counts(theirs, "region") == {"Bretagne": 2, "Normandie": 1}
    again, _sqls = searched(d.viewer)
    assert again.total == 11 and counts(again, "region") == counts(state, "region")


def test_other_objects_tags_keep_the_counts(d):
    """The default tagged item model also tags other apps' objects: tagging one of them keeps
    the cached counts; tagging an agent drops them."""
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import Tag, TaggedItem

    from directory.models import Service

    searched(d.viewer)
    tag = Tag.objects.create(name="Biodiversité marine", slug="biodiversite-marine")
    service_type = ContentType.objects.get_for_model(Service)
    item = TaggedItem.objects.create(tag=tag, content_type=service_type, object_id=d.ddtm14.pk)
    item.delete()
    _result, sqls = searched(d.viewer)
    assert not counted_tags(sqls)

    TaggedItem.objects.create(
        tag=tag, content_type=ContentType.objects.get_for_model(d.nina), object_id=d.nina.pk
    )
    result, sqls = searched(d.viewer)
    assert counted_tags(sqls)
    assert counts(result, "skill").get("Biodiversité marine") == 1


def test_bulk_writers_forget_the_counts(d):
    """``changed()`` (called by bulk writers, which send no signal) drops the cached counts."""
    searched(d.viewer)
    whole_counts.changed()
    _result, sqls = searched(d.viewer)
    assert counted_tags(sqls)
