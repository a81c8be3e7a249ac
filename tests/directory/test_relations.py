"""The directory's registries that the apps above it fill (``directory.relations``,
``directory.sections``, ``directory.suggestions.register_affinity``, the search's group facets):
what the communities registered answers, and with nothing registered the directory still answers
safely on its own."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from directory import relations, search_backend, sections, suggestions
from directory.models import Agent
from directory.permissions import can_see_contact, can_view_profile, contact_visible_q
from search.api import search_agents
from tests.factories import AgentFactory, ExternalAgentFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def nothing_registered():
    """The directory alone: no app has registered visibility, colleagues, sections or
    affinities (put back afterwards)."""
    registered = dict(relations._registered)
    pages = {page: dict(found) for page, found in sections._sections.items()}
    affinities = dict(suggestions._affinities)
    facets = dict(search_backend._group_facets)
    relations._registered.update(visibility=None, colleagues=None)
    for found in sections._sections.values():
        found.clear()
    suggestions._affinities.clear()
    search_backend._group_facets.clear()
    yield
    relations._registered.update(registered)
    for page, found in pages.items():
        sections._sections[page].update(found)
    suggestions._affinities.update(affinities)
    search_backend._group_facets.update(facets)


def test_the_communities_registered_who_sees_whom():
    """An external partner sees the members of their communities, not the rest of the
    directory; members of a common community are colleagues."""
    membership = MembershipFactory()
    partner = ExternalAgentFactory()
    MembershipFactory(community=membership.community, agent=partner)
    stranger = AgentFactory()
    visible = set(relations.visible_agents(partner, Agent.objects.all()))
    assert membership.agent in visible and stranger not in visible
    assert set(Agent.objects.filter(pk__in=relations.colleague_ids(partner))) == {
        partner,
        membership.agent,
    }


def test_alone_a_state_agent_sees_everyone_an_external_only_themself(nothing_registered):
    """Without the communities: State agents see every agent, a partner only themself, nobody
    signed out sees anyone, and nobody is anybody's colleague."""
    agent, other = AgentFactory(), AgentFactory()
    partner = ExternalAgentFactory()
    everyone = Agent.objects.all()
    assert relations.visible_agents(agent, everyone).count() == everyone.count()
    assert list(relations.visible_agents(partner, everyone)) == [partner]
    assert not relations.visible_agents(AnonymousUser(), everyone).exists()
    assert not Agent.objects.filter(pk__in=relations.colleague_ids(agent)).exists()
    assert can_view_profile(agent, other) and not can_view_profile(partner, other)


def test_alone_communities_only_contact_details_stay_hidden(nothing_registered):
    """Without colleagues, « mes communautés » shows the contact details to nobody but the agent
    and administrators, even to a member of a common community, in Python and in SQL alike."""
    viewer = AgentFactory()
    agent = AgentFactory(email_visibility=Agent.Visibility.COMMUNITIES)
    membership = MembershipFactory(agent=viewer)
    MembershipFactory(agent=agent, community=membership.community)
    assert not can_see_contact(viewer, agent, "email")
    assert not Agent.objects.filter(contact_visible_q(viewer, "email"), pk=agent.pk).exists()


def test_alone_pages_show_no_section_and_suggestions_count_skills(client, nothing_registered):
    """Without the communities, a profile and an organisation page have no communities section,
    and « Qui rencontrer ? » scores the shared skills only."""
    viewer = AgentFactory(skills=["Urbanisme"])
    other = AgentFactory(skills=["Urbanisme"])
    client.force_login(viewer)
    html = client.get(reverse("directory:profile", args=[other.pk])).content.decode()
    assert 'data-testid="profile-communities"' not in html
    html = client.get(reverse("directory:service", args=[other.service.slug])).content.decode()
    assert "org-communities" not in html and "org-no-community" not in html
    found = suggestions.suggestions_for(viewer)
    assert [(a, a.shared_skills, a.shared_themes) for a in found] == [(other, 1, 0)]


def test_the_search_has_a_community_facet_from_the_communities():
    """The communities' facet lists the communities of the agents found and filters by them."""
    membership = MembershipFactory(community__name="Réseau eau")
    AgentFactory()
    viewer = AgentFactory()
    result = search_agents(viewer, filters={"community": [membership.community.slug]})
    assert list(result.agents) == [membership.agent]
    assert [f.name for f in result.facets][-1] == "community"


def test_alone_the_search_has_no_community_facet(nothing_registered):
    """Without the communities, the search still answers: no community facet, and a community
    filter in an address is dropped like any unknown value."""
    membership = MembershipFactory()
    viewer = AgentFactory()
    result = search_agents(viewer, filters={"community": [membership.community.slug]})
    assert "community" not in [f.name for f in result.facets]
    assert result.filters == {} and viewer in result.agents and result.total >= 2


def test_a_section_for_an_unknown_page_is_refused():
    """A typo in a page's name fails at start, not silently."""
    with pytest.raises(ValueError, match="Unknown directory page"):
        sections.register_section("agenda", "x", template="x.html", context=lambda v, o: {})
