"""What text the platform accepts over HTTP (``maillage.text``, ``InputGuardMiddleware``): NUL,
control characters and over-long query parameters refused at the edge with a French reason and
nothing written; bidirectional controls stripped from names and shown escaped in running text.

The addresses named below answered 500 on PostgreSQL (``DataError``: PostgreSQL refuses NUL in
text); this file runs again there (tests/integration/test_bad_input_on_postgresql.py).
"""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from communities.models import Announcement, Community
from directory.models import Agent
from maillage.markup import render_markdown
from maillage.text import check_text, escape_bidi, invalid_text_reason, strip_bidi
from tests.communities.content_helpers import add_member, fresh, make_community
from tests.directory.profile_helpers import profile_data
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

RLO = "\u202e"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("Bonjour à tous", None),
        ("Deux lignes\net une tabulation\t, retour\r\n", None),
        ("émoji 👍 et espace insécable\u202f!", None),
        (f"facture{RLO}fdp.exe", None),  # text, not an error: shown escaped
        ("ab\x00cd", "un caractère nul"),
        ("sonnerie\x07", "un caractère de contrôle"),
        ("échap\x1b[31m", "un caractère de contrôle"),
        ("suppr\x7f", "un caractère de contrôle"),
        ("demi \ud800 caractère", "un texte mal encodé (demi-caractère UTF-16 isolé)"),
        ("\udfff", "un texte mal encodé (demi-caractère UTF-16 isolé)"),
    ],
)
def test_invalid_text_reason(value, reason):
    """Written-out table of what no text may hold, and the French reason given."""
    assert invalid_text_reason(value) == reason


def test_check_text_names_the_field():
    """The refusal names the field and says what to do."""
    with pytest.raises(ValidationError) as refused:
        check_text("a\x00b", field="Titre")
    assert refused.value.messages == [
        "« Titre » contient un caractère nul : retirez-le puis envoyez à nouveau."
    ]


def test_bidi_controls_are_stripped_from_names_and_escaped_in_text():
    """Overrides, embeddings, isolates and marks: gone from a name, visible in a text."""
    name = "facture\u202efdp.exe\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u202a\u202b\u202c\u202d"
    assert strip_bidi(name) == "facturefdp.exe"
    assert escape_bidi(f"a{RLO}b") == "a⟨U+202E⟩b"
    html = str(render_markdown(f"Voir **facture{RLO}fdp.exe**"))
    assert RLO not in html
    assert "<strong>facture⟨U+202E⟩fdp.exe</strong>" in html


# --- the addresses the probe found answering 500 on PostgreSQL ---------------------------------


@pytest.fixture
def member_world():
    animator = AgentFactory(first_name="Alice", last_name="Animatrice")
    community = make_community(animator=animator, name="Politique de l'eau")
    member = add_member(community)
    return {"community": community, "animator": animator, "member": fresh(member)}


def _refused(response):
    page = response.content.decode()
    return response.status_code == 400 and "contient un caractère nul" in page


@pytest.mark.parametrize(
    "query",
    [
        "q=ab%00cd",
        "skill=ab%00cd",
        "community=ab%00cd",
        "region=ab%00cd",
        "department=%00",
        "ministry=%00",
        "kind=%00",
        "sort=%00",
        "page=1%00",
        "q=eau&skill=%00",
    ],
)
def test_directory_search_refuses_nul_in_any_parameter(client, agent, query):
    """/annuaire/ with NUL in its text or any facet: 400 and a French reason, never 500."""
    client.force_login(agent)
    response = client.get(f"/annuaire/?{query}")
    assert _refused(response), (response.status_code, query)


def test_messaging_searches_refuse_nul(client, member_world):
    """The new-conversation chooser and a room's search refuse NUL in their query."""
    from chat.services import room_for_community

    client.force_login(member_world["member"])
    room = room_for_community(member_world["community"])
    assert _refused(client.get("/messagerie/nouveau/?q=ab%00cd"))
    assert _refused(client.get(f"/messagerie/{room.pk}/?q=%00"))
    assert client.get(f"/messagerie/{room.pk}/?q=eau").status_code == 200


def test_refusal_answers_json_to_a_script(client, agent):
    """A request that does not accept HTML (the bell's count) gets the reason in JSON."""
    client.force_login(agent)
    response = client.get(
        "/notifications/non-lues.json?x=%00", headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("La requête est refusée : « x » contient")


def test_a_query_parameter_of_100_kb_is_refused(client, agent):
    """No search needs 100 KB: refused before SQLite's LIKE refuses it (over 50,000 bytes)."""
    client.force_login(agent)
    response = client.get("/annuaire/?q=" + "eau " * 25_000)
    assert response.status_code == 400
    assert "dépasse 2\u202f000 caractères" in response.content.decode()


def test_nul_in_a_form_writes_nothing(client, member_world):
    """An announcement edited with NUL in its text is refused with a French reason, and the
    announcement keeps what it had."""
    from communities import services

    community, animator = member_world["community"], member_world["animator"]
    announcement = services.announcement_create(
        community=community, actor=fresh(animator), title="Comité", body="Jeudi"
    )
    client.force_login(animator)
    url = reverse("communities:announcement_edit", args=[community.slug, announcement.pk])
    response = client.post(url, {"title": "Comité\x00", "body": "Vendredi"})
    assert response.status_code == 400
    assert "« title » contient un caractère nul" in response.content.decode()
    announcement.refresh_from_db()
    assert (announcement.title, announcement.body) == ("Comité", "Jeudi")
    created = client.post(
        reverse("communities:announcement_create", args=[community.slug]),
        {"title": "Nouvelle", "body": "texte\x1b[2J"},
    )
    assert created.status_code == 400
    assert Announcement.objects.filter(community=community).count() == 1


def test_a_word_as_next_is_not_taken_for_a_view_name(client, agent):
    """``next=accueil`` once made ``redirect()`` look for a view of that name (a 500): only a
    path of this site is followed."""
    client.force_login(agent)
    response = client.post(reverse("notifications:mark_all_read"), {"next": "accueil"})
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:centre")
    kept = client.post(reverse("notifications:mark_all_read"), {"next": "/annuaire/"})
    assert kept["Location"] == "/annuaire/"
    away = client.post(reverse("notifications:mark_all_read"), {"next": "//evil.example/"})
    assert away["Location"] == reverse("notifications:centre")


# --- names and running text ----------------------------------------------------------------------


def test_an_agent_name_loses_its_bidi_controls(client, agent):
    """« Anne‮ »: the profile keeps the letters, not the override."""
    client.force_login(agent)
    response = client.post(
        reverse("directory:profile_edit", args=[agent.pk]),
        profile_data(agent, first_name=f"An{RLO}ne", last_name="Mar\u2066tin\u2069"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agent.refresh_from_db()
    assert (agent.first_name, agent.last_name) == ("Anne", "Martin")


def test_a_name_of_bidi_controls_only_is_refused(client, agent):
    """A required name made only of controls is empty once they are gone: refused."""
    client.force_login(agent)
    response = client.post(
        reverse("directory:profile_edit", args=[agent.pk]),
        profile_data(agent, first_name=RLO),
    )
    assert response.status_code == 400
    assert "Champ requis." in response.content.decode()
    agent.refresh_from_db()
    assert agent.first_name == "Anne"


def test_a_community_name_loses_its_bidi_controls(client, platform_admin):
    """The name a platform administrator types keeps its letters only."""
    client.force_login(platform_admin)
    response = client.post(
        reverse("communities:create"),
        {
            "name": f"Réseau{RLO} des contrôleurs",
            "description": "Une description",
            "objective": "Un objectif",
            "kind": Community.Kind.EXPERTISE,
            "visibility": Community.Visibility.OPEN,
            "scope": Community.Scope.NATIONAL,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Community.objects.filter(name="Réseau des contrôleurs").exists()


def test_running_text_shows_bidi_controls_escaped(client, member_world):
    """An announcement's text and a member's biography keep the control, shown as its code
    point: the page holds no raw override."""
    from communities import services

    community, animator, member = (
        member_world["community"],
        member_world["animator"],
        member_world["member"],
    )
    announcement = services.announcement_create(
        community=community,
        actor=fresh(animator),
        title="Factures",
        body=f"Voir facture{RLO}fdp.exe",
    )
    Agent.objects.filter(pk=member.pk).update(bio=f"Chargé{RLO} de mission")
    client.force_login(member)
    page = client.get(announcement.get_absolute_url()).content.decode()
    assert "facture⟨U+202E⟩fdp.exe" in page
    profile = client.get(reverse("directory:profile", args=[member.pk])).content.decode()
    assert "Chargé⟨U+202E⟩ de mission" in profile
    for html in (page, profile):
        assert not re.search("[\u202a-\u202e\u2066-\u2069]", html)
