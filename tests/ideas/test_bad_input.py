"""Bad input on the idea box's pages: an empty title, a 100 KB description, forged ids and
themes, unknown sorts, filters and page numbers, a garbage status — each answers a French
message or a 4xx, never a 500, and writes nothing."""

import pytest
from django.urls import reverse

from ideas import services
from ideas.models import Idea
from tests.factories import CommunityFactory, MembershipFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def box():
    community = CommunityFactory(open=True)
    community.themes.add(ThemeFactory(name="Captages"))
    animator = MembershipFactory(community=community, animator=True).agent
    member = MembershipFactory(community=community).agent
    idea = services.idea_submit(community=community, agent=member, title="Idée", body="Texte")
    return {"community": community, "slug": community.slug, "animator": animator, "idea": idea}


@pytest.mark.parametrize(
    "query",
    [
        "?tri=inconnu",
        "?tri=",
        "?statut=merged",
        "?statut=<script>",
        "?theme=nexiste-pas",
        "?theme[]=1",
        "?mes=tout",
        "?page=0",
        "?page=-3",
        "?page=abc",
        "?page=99999999999999999999999",
        "?page=1e9",
        "?tri=soutiens&tri=recentes&page=2&page=x",
    ],
)
def test_bad_list_parameters_never_500(client, box, query):
    """Unknown sorts, filters and page numbers show a page (the first, or the last allowed)."""
    client.force_login(box["animator"])
    for name in ("index", "roadmap"):
        response = client.get(reverse(f"ideas:{name}", args=[box["slug"]]) + query)
        assert response.status_code == 200, (name, query)
    response = client.get(reverse("ideas:index", args=[box["slug"]]) + query, HTTP_HX_REQUEST="1")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    ["", "?titre=", "?titre=" + "a" * 1500, "?titre=x&sauf=abc", "?sauf=-1", "?titre=%26%23"],
)
def test_bad_similar_queries_never_500(client, box, query):
    """Empty, long or odd titles and a garbage ``sauf`` show the fragment."""
    client.force_login(box["animator"])
    response = client.get(reverse("ideas:similar", args=[box["slug"]]) + query)
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["index", "similar"])
def test_control_characters_and_huge_queries_are_refused_with_a_reason(client, box, name):
    """A NUL byte or a parameter of 5,000 characters: the platform's guard answers 400 with its
    reason, never 500."""
    client.force_login(box["animator"])
    for query in ("?statut=%00", "?titre=%00%01", "?titre=" + "a" * 5000):
        response = client.get(reverse(f"ideas:{name}", args=[box["slug"]]) + query)
        assert response.status_code == 400, query


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title": "", "body": "x"}, "Donnez un titre à votre idée."),
        ({"title": "   ", "body": "x"}, "Donnez un titre à votre idée."),
        ({"title": "T" * 151, "body": "x"}, "Le titre est limité à 150 caractères"),
        ({"title": "Titre", "body": ""}, "Décrivez votre idée."),
        ({"title": "Titre", "body": "x" * 100_000}, "limité à 10000 caractères"),
        ({"title": "Titre", "body": "x", "themes": ["abc"]}, "Choisissez des thèmes"),
        ({"title": "Titre", "body": "x", "themes": ["99999999"]}, "Choisissez des thèmes"),
    ],
)
def test_bad_submissions_answer_400_in_french_and_write_nothing(client, box, data, message):
    client.force_login(box["animator"])
    response = client.post(reverse("ideas:new", args=[box["slug"]]), data)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert Idea.objects.filter(community=box["community"]).count() == 1


def test_checking_similar_ideas_still_refuses_a_text_too_long(client, box):
    """« Vérifier les idées similaires » leaves a missing description for later, but says at
    once that a title or a description is too long (400), the text kept."""
    client.force_login(box["animator"])
    url = reverse("ideas:new", args=[box["slug"]])
    response = client.post(url, {"title": "Idée", "verifier": "1"})
    assert response.status_code == 200
    assert "Décrivez votre idée." not in response.content.decode()
    response = client.post(url, {"title": "Idée", "body": "x" * 100_000, "verifier": "1"})
    assert response.status_code == 400
    assert "limité à 10000 caractères" in response.content.decode()
    assert Idea.objects.filter(community=box["community"]).count() == 1


def test_forged_ids_answer_404(client, box):
    """Ids that are not numbers, or numbers of nothing, are not found."""
    client.force_login(box["animator"])
    base = f"/communautes/{box['slug']}/idees/"
    for path in ("abc/", "0/", "-1/", "99999999999999999999999/", "1.5/modifier/"):
        assert client.get(base + path).status_code == 404, path
    for name in ("idea", "edit", "merge"):
        assert client.get(reverse(f"ideas:{name}", args=[box["slug"], 2**62])).status_code == 404
    for name in ("support", "status", "merge"):
        response = client.post(reverse(f"ideas:{name}", args=[box["slug"], 2**62]), {})
        assert response.status_code == 404, name


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"status": "merged", "answer": "x"},
        {"status": "<b>", "answer": "x"},
        {"status": "adopted", "answer": "x"},  # not a move from « Nouvelle »
        {"status": "rejected", "answer": ""},
        {"status": "rejected", "answer": "x" * 100_000},
    ],
)
def test_bad_status_moves_answer_400_and_change_nothing(client, box, data):
    client.force_login(box["animator"])
    response = client.post(reverse("ideas:status", args=[box["slug"], box["idea"].pk]), data)
    assert response.status_code == 400
    assert 'data-testid="idea-status-form"' in response.content.decode()
    box["idea"].refresh_from_db()
    assert box["idea"].status == Idea.Status.NEW


@pytest.mark.parametrize("target", ["", "abc", "-1", "99999999999999999999999"])
def test_bad_merge_targets_answer_400(client, box, target):
    client.force_login(box["animator"])
    response = client.post(
        reverse("ideas:merge", args=[box["slug"], box["idea"].pk]), {"target": target}
    )
    assert response.status_code == 400
    assert "Choisissez" in response.content.decode()
    box["idea"].refresh_from_db()
    assert box["idea"].status == Idea.Status.NEW


def test_a_merge_into_itself_is_refused(client, box):
    client.force_login(box["animator"])
    response = client.post(
        reverse("ideas:merge", args=[box["slug"], box["idea"].pk]), {"target": box["idea"].pk}
    )
    assert response.status_code == 400
    box["idea"].refresh_from_db()
    assert box["idea"].status == Idea.Status.NEW


def test_bad_settings_answer_400(client, box):
    client.force_login(box["animator"])
    url = reverse("ideas:settings", args=[box["slug"]])
    response = client.post(url, {"intro": "x" * 100_000, "who_may_submit": "members"})
    assert response.status_code == 400
    assert "limité à 5000 caractères" in response.content.decode()
    response = client.post(url, {"intro": "", "who_may_submit": "personne"})
    assert response.status_code == 400
    assert "Choisissez qui peut proposer une idée." in response.content.decode()
