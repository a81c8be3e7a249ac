"""« Qui rencontrer ? »: who is suggested, with which reason, in which order; hiding a suggestion."""

from html import unescape

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directory.models import Department, HiddenSuggestion
from directory.suggestions import profile_suggestions, suggestions_for
from tests.factories import (
    AgentFactory,
    CommunityFactory,
    ExternalAgentFactory,
    MembershipFactory,
    ServiceFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def names(agents):
    return [a.last_name for a in agents]


def reasons(agents):
    return {a.last_name: a.reason for a in agents}


def hide_url(agent):
    return reverse("directory:suggestion_hide", args=[agent.pk])


@pytest.fixture
def world(db):
    """A known directory around Anne (DDTM 35, Ille-et-Vilaine, Bretagne).

    Anne's skills: eau, urbanisme, biodiversité, droit des sols; her community « Eau » has the
    theme Eau. Expected scores (shared skills × 2 + shared themes):
    Bernard 6 (3 skills, Finistère), Claire 3 (1 skill + theme, same department), Zola 1 (theme,
    Paris), Aubert 1 (theme, same department), Bellec 1 (theme, same department).
    """
    ille = Department.objects.get(code="35")
    home = ServiceFactory(short_name="DDTM 35", department=ille)
    neighbour = ServiceFactory(short_name="DDPP 35", department=ille)
    finistere = ServiceFactory(short_name="DDTM 29", department=Department.objects.get(code="29"))
    paris = ServiceFactory(short_name="DDT 75", department=Department.objects.get(code="75"))
    water, mobility = ThemeFactory(name="Eau"), ThemeFactory(name="Mobilités")

    anne = AgentFactory(
        first_name="Anne",
        last_name="Martin",
        service=home,
        skills=["eau", "urbanisme", "biodiversité", "droit des sols"],
    )
    water_community = CommunityFactory(name="Eau")
    water_community.themes.add(water)
    mobility_community = CommunityFactory(name="Mobilités")
    mobility_community.themes.add(mobility)
    secret = CommunityFactory(name="Cellule eau", private_secret=True)
    secret.themes.add(water)
    MembershipFactory(community=water_community, agent=anne)

    w = {"anne": anne, "water_community": water_community, "secret": secret}
    w["colleague"] = AgentFactory(
        last_name="Collègue", service=home, skills=["eau", "urbanisme", "biodiversité"]
    )
    w["bernard"] = AgentFactory(
        first_name="Bernard",
        last_name="Bernard",
        service=finistere,
        skills=["eau", "urbanisme", "biodiversité", "pêche"],
    )
    w["claire"] = AgentFactory(last_name="Claire", service=neighbour, skills=["eau"])
    MembershipFactory(community=water_community, agent=w["claire"])
    w["zola"] = AgentFactory(last_name="Zola", service=paris)
    MembershipFactory(community=water_community, agent=w["zola"])
    w["aubert"] = AgentFactory(last_name="Aubert", service=neighbour)
    MembershipFactory(community=water_community, agent=w["aubert"])
    w["bellec"] = AgentFactory(last_name="Bellec", service=neighbour)
    MembershipFactory(community=water_community, agent=w["bellec"])
    # Not to be suggested: nothing shared, a theme only through a secret community, a closed
    # account, an unconfirmed one, an external partner.
    w["unrelated"] = AgentFactory(last_name="Sansrapport", service=paris, skills=["chasse"])
    MembershipFactory(community=mobility_community, agent=w["unrelated"])
    w["secret_member"] = AgentFactory(last_name="Secret", service=paris)
    MembershipFactory(community=secret, agent=w["secret_member"])
    w["closed"] = AgentFactory(
        last_name="Ferme", service=paris, skills=["eau", "urbanisme"], closed_at=timezone.now()
    )
    w["inactive"] = AgentFactory(
        last_name="Inactif", service=paris, skills=["eau", "urbanisme"], is_active=False
    )
    w["partner"] = ExternalAgentFactory(last_name="Partenaire", skills=["eau", "urbanisme"])
    MembershipFactory(community=water_community, agent=w["partner"])
    return w


# --- who and why -------------------------------------------------------------------------------


def test_reasons_on_a_known_data_set(world):
    """Each suggestion says why, in French, from the shared skills and community themes."""
    assert reasons(suggestions_for(world["anne"], limit=10)) == {
        "Bernard": "3 compétences en commun",
        "Claire": "1 compétence en commun · même thématique, autre service",
        "Zola": "même thématique, autre département",
        "Aubert": "même thématique, autre service",
        "Bellec": "même thématique, autre service",
    }


def test_scores_on_a_known_data_set(world):
    """score = shared skills × 2 + shared themes."""
    suggested = suggestions_for(world["anne"], limit=10)
    assert {a.last_name: (a.shared_skills, a.shared_themes, a.score) for a in suggested} == {
        "Bernard": (3, 0, 6),
        "Claire": (1, 1, 3),
        "Zola": (0, 1, 1),
        "Aubert": (0, 1, 1),
        "Bellec": (0, 1, 1),
    }


def test_ordering_score_then_other_department_then_name(world):
    """Best score first; at equal score another department first; then by name."""
    assert names(suggestions_for(world["anne"], limit=10)) == [
        "Bernard",
        "Claire",
        "Zola",
        "Aubert",
        "Bellec",
    ]


def test_limit_keeps_the_best(world):
    """``limit`` cuts after ordering."""
    assert names(suggestions_for(world["anne"], limit=2)) == ["Bernard", "Claire"]
    assert names(suggestions_for(world["anne"])) == [
        "Bernard",
        "Claire",
        "Zola",
        "Aubert",
        "Bellec",
    ]


def test_excludes_self_own_service_closed_inactive_external_and_unrelated(world):
    """Never oneself, one's own service, closed or unconfirmed accounts, partners, strangers."""
    suggested = names(suggestions_for(world["anne"], limit=50))
    for excluded in ("Martin", "Collègue", "Ferme", "Inactif", "Partenaire", "Sansrapport"):
        assert excluded not in suggested


def test_a_secret_community_theme_does_not_count_for_an_outsider(world):
    """The theme of a secret community the viewer is not in suggests nobody."""
    assert "Secret" not in names(suggestions_for(world["anne"], limit=50))


def test_a_secret_community_theme_counts_for_its_members(world):
    """A member of the secret community is matched through it."""
    MembershipFactory(community=world["secret"], agent=world["anne"])
    assert reasons(suggestions_for(world["anne"], limit=50))["Secret"] == (
        "même thématique, autre département"
    )


def test_hidden_agents_are_excluded(world):
    """An agent hidden by the viewer is no longer suggested to them."""
    HiddenSuggestion.objects.create(agent=world["anne"], hidden=world["bernard"])
    assert names(suggestions_for(world["anne"], limit=10)) == ["Claire", "Zola", "Aubert", "Bellec"]


def test_no_skill_no_community_no_suggestion(world):
    """An agent with nothing to match gets no suggestion (and no error)."""
    assert suggestions_for(AgentFactory(service=None)) == []


def test_external_viewer_only_gets_members_of_their_communities(world):
    """A partner only sees agents of their communities, so only those are suggested."""
    partner = world["partner"]
    # Bernard shares skills with the partner but is not in their community; Anne and Claire are.
    # The partner has no service: no territory preference, score then name.
    assert names(suggestions_for(partner, limit=10)) == [
        "Martin",
        "Claire",
        "Aubert",
        "Bellec",
        "Zola",
    ]
    assert "Bernard" not in names(suggestions_for(partner, limit=10))


def test_anonymous_and_inactive_viewers_get_nothing(world):
    """No suggestion for someone who is not a signed-in active agent."""
    from django.contrib.auth.models import AnonymousUser

    assert suggestions_for(AnonymousUser()) == []
    assert profile_suggestions(AnonymousUser(), world["anne"]) == []
    assert suggestions_for(world["inactive"]) == []


def test_profile_suggestions_are_similar_to_the_profile_for_the_viewer(world):
    """On Bernard's profile, Anne sees agents like Bernard, without herself or her hidden ones."""
    anne, bernard = world["anne"], world["bernard"]
    similar = profile_suggestions(anne, bernard, limit=10)
    assert reasons(similar) == {
        "Collègue": "3 compétences en commun",
        "Claire": "1 compétence en commun",
    }
    HiddenSuggestion.objects.create(agent=anne, hidden=world["colleague"])
    assert names(profile_suggestions(anne, bernard)) == ["Claire"]


def test_profile_suggestions_need_the_right_to_see_the_profile(world):
    """A partner gets nothing about an agent whose profile they may not open, nor a closed one."""
    assert profile_suggestions(world["partner"], world["bernard"]) == []
    assert profile_suggestions(world["anne"], world["closed"]) == []


def test_profile_include_renders_the_cards(rf, world):
    """The include the profile page uses: title, cards, reasons, hide forms back to the page."""
    anne = world["anne"]
    request = rf.get(f"/agents/{world['bernard'].pk}/")
    request.user = anne
    html = unescape(
        render_to_string(
            "directory/partials/suggestions.html",
            {
                "suggestions": profile_suggestions(anne, world["bernard"]),
                "title": "Profils proches",
                "heading_id": "profile-suggestions",
            },
            request=request,
        )
    )
    assert '<h2 id="profile-suggestions" class="fr-h4">Profils proches</h2>' in html
    assert html.count('data-testid="suggestion"') == 2
    assert "3 compétences en commun" in html
    assert f'action="{hide_url(world["colleague"])}"' in html
    assert f'name="next" value="/agents/{world["bernard"].pk}/"' in html


def test_include_without_suggestion_renders_nothing():
    """No suggestion and no empty message: the include renders nothing at all."""
    assert (
        render_to_string("directory/partials/suggestions.html", {"suggestions": []}).strip() == ""
    )


def test_profile_suggestions_default_limit_is_three(world):
    """Three suggestions at most on a profile."""
    assert len(profile_suggestions(world["bernard"], world["anne"])) == 3


def test_query_count_does_not_grow_with_the_directory(world):
    """A handful of queries for 5 or 45 candidates: the database scores, Python never loops."""
    anne = world["anne"]
    suggestions_for(anne)  # warm the content-type cache
    with CaptureQueriesContext(connection) as small:
        suggestions_for(type(anne).objects.get(pk=anne.pk))
    for _ in range(40):
        AgentFactory(service=world["bernard"].service, skills=["eau", "urbanisme"])
    with CaptureQueriesContext(connection) as large:
        found = suggestions_for(type(anne).objects.get(pk=anne.pk))
    # The agent, their service, their themes, the ranking (joined and grouped in the database),
    # the kept agents with their services.
    assert len(small.captured_queries) == len(large.captured_queries) == 5
    assert len(found) == 5


def test_a_theme_only_match_can_outrank_a_skill_match(db):
    """Three shared themes (3) beat one shared skill (2), even when one suggestion is asked."""
    themes = [ThemeFactory() for _ in range(3)]
    me = AgentFactory(last_name="Moi", skills=["eau"])
    skill_match = AgentFactory(last_name="Aval", skills=["eau"])
    theme_match = AgentFactory(last_name="Zeste", service=ServiceFactory())
    for theme in themes:
        community = CommunityFactory()
        community.themes.add(theme)
        MembershipFactory(community=community, agent=me)
        MembershipFactory(community=community, agent=theme_match)
    assert reasons(suggestions_for(me)) == {
        "Zeste": "même thématique, autre service",
        "Aval": "1 compétence en commun",
    }
    assert names(suggestions_for(me, limit=1)) == ["Zeste"]
    assert skill_match.pk in [a.pk for a in suggestions_for(me, limit=2)]


# --- the dashboard and the profile include ---------------------------------------------------------


def test_dashboard_shows_who_to_meet(client, world):
    """The dashboard has « Qui rencontrer ? » cards with name, reason and a hide button."""
    client.force_login(world["anne"])
    text = unescape(client.get("/").content.decode())
    block = text.split('data-testid="suggestions"')[1]
    assert "Qui rencontrer ?" in block
    assert "Bernard Bernard" in block
    assert "3 compétences en commun" in block
    assert hide_url(world["bernard"]) in block
    assert "Collègue" not in block


def test_dashboard_without_suggestion_explains_how_to_get_some(client, agent):
    """An agent with nothing to match is told how to get suggestions."""
    client.force_login(agent)
    text = unescape(client.get("/").content.decode())
    assert 'data-testid="suggestions-empty"' in text
    assert "Renseignez vos compétences" in text


# --- hiding ------------------------------------------------------------------------------------


def test_hide_is_post_only(client, world):
    """GET on the hide URL changes nothing and answers 405."""
    client.force_login(world["anne"])
    assert client.get(hide_url(world["bernard"])).status_code == 405
    assert not HiddenSuggestion.objects.exists()


def test_hide_requires_sign_in(client, world):
    """An anonymous visitor is sent to the sign-in page."""
    response = client.post(hide_url(world["bernard"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not HiddenSuggestion.objects.exists()


def test_hide_without_js_redirects_back_with_a_message(client, world):
    """Without JavaScript the button posts, the agent comes back to the page with a message."""
    client.force_login(world["anne"])
    response = client.post(hide_url(world["bernard"]), {"next": "/?x=1"}, follow=True)
    assert response.redirect_chain == [("/?x=1", 302)]
    text = unescape(response.content.decode())
    assert "Suggestion masquée : vous ne verrez plus Bernard Bernard" in text
    assert "Bernard" not in names(suggestions_for(world["anne"]))


def test_hide_refuses_to_redirect_elsewhere(client, world):
    """An outside ``next`` is ignored: back to the dashboard."""
    client.force_login(world["anne"])
    response = client.post(hide_url(world["bernard"]), {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.url == "/"


def test_hide_with_htmx_returns_an_empty_fragment(client, world):
    """With htmx the answer is an empty 200: the card is swapped for nothing."""
    client.force_login(world["anne"])
    response = client.post(hide_url(world["bernard"]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content == b""
    assert HiddenSuggestion.objects.filter(agent=world["anne"], hidden=world["bernard"]).exists()


def test_hide_is_idempotent(client, world):
    """Hiding twice keeps one row and answers the same."""
    client.force_login(world["anne"])
    for _ in range(2):
        assert client.post(hide_url(world["bernard"])).status_code == 302
    assert HiddenSuggestion.objects.filter(agent=world["anne"]).count() == 1


@pytest.mark.parametrize("target", ["self", "unknown", "closed"])
def test_hide_self_unknown_or_closed_is_404(client, world, target):
    """Hiding oneself, an unknown id or a closed account is a 404."""
    client.force_login(world["anne"])
    pk = {"self": world["anne"].pk, "unknown": 999_999, "closed": world["closed"].pk}[target]
    response = client.post(reverse("directory:suggestion_hide", args=[pk]))
    assert response.status_code == 404
    assert not HiddenSuggestion.objects.exists()


def test_external_user_cannot_hide_an_agent_they_cannot_see(client, world):
    """A partner probing an agent outside their communities gets a 404."""
    client.force_login(world["partner"])
    assert client.post(hide_url(world["bernard"])).status_code == 404
    assert client.post(hide_url(world["claire"])).status_code == 302


def test_hiding_is_per_agent(client, world):
    """Anne hiding Bernard does not hide him from Claire."""
    claire = world["claire"]
    assert "Bernard" in names(suggestions_for(claire, limit=10))
    client.force_login(world["anne"])
    client.post(hide_url(world["bernard"]))
    assert "Bernard" not in names(suggestions_for(world["anne"], limit=10))
    assert "Bernard" in names(suggestions_for(claire, limit=10))
