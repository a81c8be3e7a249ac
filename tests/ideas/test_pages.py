"""The idea box's pages (``ideas.views``): every page renders for a member and an animator, a
switched-off box and ids of another community answer 404, a member without the charter reads
but a forged write is refused in French, text typed by agents is inert, support and statuses
work through the pages, and a merged idea's address leads to its target."""

from html import unescape

import pytest
from django.urls import reverse

from ideas import services
from ideas.models import Idea, IdeaSupport
from tests.factories import AgentFactory, CommunityFactory, MembershipFactory, ThemeFactory

pytestmark = pytest.mark.django_db

S = Idea.Status


@pytest.fixture
def box():
    community = CommunityFactory(open=True)
    water, farming = ThemeFactory(name="Captages et forages"), ThemeFactory(name="Zones humides")
    community.themes.add(water, farming)
    animator = MembershipFactory(community=community, animator=True).agent
    member = MembershipFactory(community=community).agent
    colleague = MembershipFactory(community=community).agent
    idea = services.idea_submit(
        community=community,
        agent=member,
        title="Un modèle commun d'arrêté",
        body="Un **modèle** partagé.",
        themes=[water],
    )
    services.support_toggle(idea=idea, agent=colleague, support=True)
    other = services.idea_submit(
        community=community, agent=colleague, title="Cartographier les captages", body="Carte"
    )
    return {
        "community": community,
        "slug": community.slug,
        "animator": animator,
        "member": member,
        "colleague": colleague,
        "idea": idea,
        "other": other,
        "water": water,
    }


def _url(name, box, *args):
    return reverse(f"ideas:{name}", args=[box["slug"], *args])


def test_every_page_renders_for_the_animator_and_the_member(client, box):
    """The box's pages answer 200 for an animator; a member sees those that are theirs."""
    idea = box["idea"]
    client.force_login(box["animator"])
    for url in [
        _url("index", box),
        _url("index", box)
        + f"?tri=tendance&statut=new&theme={box['water'].slug}&mes=soutenues&page=1",
        _url("roadmap", box),
        _url("new", box),
        _url("similar", box) + "?titre=arrêté",
        _url("idea", box, idea.pk),
        _url("edit", box, idea.pk),
        _url("merge", box, idea.pk),
        _url("merge", box, idea.pk) + "?q=captages",
        _url("settings", box),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(_url("idea", box, idea.pk)).content.decode()
    assert 'data-testid="idea-status-form"' in page
    assert 'data-testid="idea-merge-link"' in page
    client.force_login(box["member"])
    for url in [_url("index", box), _url("roadmap", box), _url("new", box)]:
        assert client.get(url).status_code == 200, url
    page = client.get(_url("idea", box, idea.pk)).content.decode()
    assert 'data-testid="idea-edit-link"' in page  # the author, while « nouvelle »
    assert 'data-testid="idea-status-form"' not in page
    assert "Vous ne pouvez pas soutenir votre propre idée" in page
    assert client.get(_url("settings", box)).status_code == 404
    assert client.get(_url("merge", box, idea.pk)).status_code == 404


def test_the_community_menu_links_to_the_box(client, box):
    """« Boîte à idées » is in the community's menu while the tool is on."""
    client.force_login(box["member"])
    page = client.get(box["community"].get_absolute_url()).content.decode()
    assert 'data-testid="community-ideas-link"' in page
    assert _url("index", box) in page


def test_a_switched_off_box_and_a_private_community_answer_404(client, box):
    """The tool off: 404 on every page, even for the animator; a private community's box: 404
    to an outsider."""
    private = CommunityFactory(private_listed=True)
    client.force_login(AgentFactory())
    assert client.get(reverse("ideas:index", args=[private.slug])).status_code == 404
    box["community"].tool_ideas = False
    box["community"].save()
    client.force_login(box["animator"])
    for url in [
        _url("index", box),
        _url("roadmap", box),
        _url("new", box),
        _url("idea", box, box["idea"].pk),
    ]:
        assert client.get(url).status_code == 404, url
    page = client.get(box["community"].get_absolute_url()).content.decode()
    assert 'data-testid="community-ideas-link"' not in page


def test_ids_of_another_community_answer_404(client, box):
    """An idea of another community, put in this community's address, is not found, GET and
    POST alike, even for the animator; nothing is written."""
    elsewhere = CommunityFactory(open=True)
    stranger = MembershipFactory(community=elsewhere).agent
    foreign = services.idea_submit(
        community=elsewhere, agent=stranger, title="Ailleurs", body="Ailleurs"
    )
    client.force_login(box["animator"])
    for name in ("idea", "edit", "merge"):
        assert client.get(_url(name, box, foreign.pk)).status_code == 404, name
    assert client.get(_url("idea", box, 2**62)).status_code == 404
    for name, data in [
        ("support", {"action": "support"}),
        ("status", {"status": "studying", "answer": "x"}),
        ("merge", {"target": box["idea"].pk}),
        ("edit", {"title": "Volé", "body": "Volé"}),
    ]:
        assert client.post(_url(name, box, foreign.pk), data).status_code == 404, name
    # This box's idea merged into another community's idea: the target is not offered.
    response = client.post(_url("merge", box, box["idea"].pk), {"target": foreign.pk})
    assert response.status_code == 400
    foreign.refresh_from_db()
    assert foreign.status == S.NEW and foreign.title == "Ailleurs"
    assert not IdeaSupport.objects.filter(idea=foreign).exists()
    box["idea"].refresh_from_db()
    assert box["idea"].status == S.NEW


def test_a_member_without_the_charter_reads_but_a_forged_write_is_refused(client, box):
    """The box shows the charter prompt; a forged submission and a forged support are refused
    with a French message, and nothing is written."""
    reader = MembershipFactory(community=box["community"], without_charter=True).agent
    client.force_login(reader)
    page = client.get(_url("index", box)).content.decode()
    assert 'data-testid="ideas-charter-prompt"' in page
    assert "Un modèle commun" in page  # reads
    assert 'data-testid="idea-support-button"' not in page
    response = client.post(_url("new", box), {"title": "Forcée", "body": "Forcée"})
    assert response.status_code == 403
    assert "acceptez d'abord la charte" in unescape(response.content.decode())
    response = client.post(_url("support", box, box["idea"].pk), {"action": "support"}, follow=True)
    assert "charte" in response.content.decode()
    assert not Idea.objects.filter(title="Forcée").exists()
    assert not IdeaSupport.objects.filter(agent=reader).exists()


def test_html_and_script_are_inert_in_title_body_answer_and_intro(client, box):
    """HTML typed in a title, a description, an answer and the box's introduction is shown as
    text, never run."""
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    idea = services.idea_submit(
        community=box["community"],
        agent=box["colleague"],
        title=f"Titre {evil}"[:150],
        body=f"Corps {evil} [lien](javascript:alert(1))",
    )
    services.idea_set_status(idea=idea, actor=box["animator"], status=S.STUDYING)
    services.idea_set_status(
        idea=idea, actor=box["animator"], status=S.ADOPTED, answer=f"Réponse {evil}"
    )
    services.box_settings_save(
        community=box["community"], actor=box["animator"], intro=f"Présentation {evil}"
    )
    client.force_login(box["member"])
    for url in [
        _url("index", box),
        _url("roadmap", box),
        _url("idea", box, idea.pk),
        _url("similar", box) + "?titre=Titre",
    ]:
        page = client.get(url).content.decode()
        assert "<script>alert" not in page, url
        assert "<img src=x" not in page, url
        assert "javascript:alert" not in page, url
    page = client.get(_url("idea", box, idea.pk)).content.decode()
    assert "&lt;script&gt;alert" in page  # shown, as text
    assert "Réponse" in page and 'data-testid="idea-answer"' in page


def test_support_and_withdraw_through_the_page_and_htmx(client, box):
    """« Je soutiens » counts once and is withdrawn; with htmx the button's fragment comes back
    with the new count, without it the page the agent came from."""
    idea = box["idea"]
    url = _url("support", box, idea.pk)
    client.force_login(box["animator"])
    response = client.post(url, {"action": "support", "next": _url("index", box)})
    assert response.status_code == 302 and response["Location"] == _url("index", box)
    client.post(url, {"action": "support"})
    idea.refresh_from_db()
    assert idea.support_count == 2
    response = client.post(url, {"action": "withdraw"}, HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert response.status_code == 200
    assert f'id="soutien-{idea.pk}"' in fragment and "<html" not in fragment
    assert 'data-testid="idea-support-count">1<' in fragment
    assert "Je soutiens" in fragment and "Vous ne soutenez plus cette idée." in fragment
    response = client.post(url, {"action": "nimporte"})
    assert response.status_code == 400
    # The author may not support their own idea: the fragment says why.
    client.force_login(box["member"])
    fragment = client.post(url, {"action": "support"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Vous ne pouvez pas soutenir votre propre idée." in fragment


def test_a_status_move_needs_its_answer_and_shows_in_the_history(client, box):
    """« Retenue » without an answer shows the French error with the form; with it, the idea
    shows the answer, the badge and both moves in its history."""
    idea = box["idea"]
    url = _url("status", box, idea.pk)
    client.force_login(box["animator"])
    assert client.post(url, {"status": "studying", "answer": ""}).status_code == 302
    response = client.post(url, {"status": "adopted", "answer": "  "})
    assert response.status_code == 400
    assert "obligatoire pour ce statut" in response.content.decode()
    response = client.post(url, {"status": "implemented", "answer": "Sauté"})
    assert response.status_code == 400  # not a move from « À l'étude »
    idea.refresh_from_db()
    assert idea.status == S.STUDYING
    client.post(url, {"status": "adopted", "answer": "Nous le rédigeons."})
    page = client.get(_url("idea", box, idea.pk)).content.decode()
    assert 'data-status="adopted"' in page
    assert "Nous le rédigeons." in page
    assert page.count('data-testid="idea-history-row"') == 2
    # The author may no longer edit it.
    client.force_login(box["member"])
    response = client.post(_url("edit", box, idea.pk), {"title": "Changé", "body": "Changé"})
    assert response.status_code == 403
    idea.refresh_from_db()
    assert idea.title == "Un modèle commun d'arrêté"


def test_a_merged_idea_redirects_to_its_target_with_a_notice(client, box):
    """The animator merges a duplicate through the form; its address then leads to the target,
    whose page says what was merged into it; supports are counted once."""
    duplicate, target = box["other"], box["idea"]
    services.support_toggle(idea=duplicate, agent=box["member"], support=True)
    client.force_login(box["animator"])
    response = client.post(_url("merge", box, duplicate.pk), {"q": "modèle", "target": target.pk})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == S.MERGED and duplicate.merged_into_id == target.pk
    response = client.get(_url("idea", box, duplicate.pk))
    assert response.status_code == 302 and response["Location"] == _url("idea", box, target.pk)
    page = client.get(response["Location"]).content.decode()
    assert "a été fusionnée avec celle-ci" in page
    assert "Cartographier les captages" in page


def test_submit_keeps_the_text_and_shows_similar_ideas(client, box):
    """An empty title, then a 100 KB description, are refused in French with what was typed
    kept; « Vérifier les idées similaires » shows the close ideas without JavaScript; a good
    submission lands on the idea."""
    client.force_login(box["colleague"])
    url = _url("new", box)
    response = client.post(url, {"title": " ", "body": "Ma description"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Donnez un titre à votre idée." in page and "Ma description" in page
    response = client.post(url, {"title": "Un titre", "body": "x" * 100_000})
    assert response.status_code == 400
    assert "limité à 10000 caractères (vous en avez saisi 100000)" in response.content.decode()
    response = client.post(url, {"title": "Modèle d'arrêté commun", "verifier": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="idea-similar"' in page and "Un modèle commun d&#x27;arrêté" in page
    assert "Modèle d&#x27;arrêté commun" in page  # kept
    response = client.post(
        url, {"title": "Une idée neuve", "body": "Décrite", "themes": [box["water"].pk]}
    )
    idea = Idea.objects.get(title="Une idée neuve")
    assert response.status_code == 302 and response["Location"] == _url("idea", box, idea.pk)
    assert list(idea.themes.all()) == [box["water"]]
    response = client.post(url, {"title": "Thème forgé", "body": "x", "themes": ["999999"]})
    assert response.status_code == 400
    assert not Idea.objects.filter(title="Thème forgé").exists()


def test_the_box_settings_change_the_intro_and_who_may_submit(client, box):
    """The animator writes the introduction (shown on the box) and keeps the submissions to
    the animators: a member no longer sees « Proposer une idée » and is told why."""
    client.force_login(box["animator"])
    response = client.post(
        _url("settings", box), {"intro": "Vos idées **ici**.", "who_may_submit": "animators"}
    )
    assert response.status_code == 302
    response = client.post(_url("settings", box), {"intro": "", "who_may_submit": "tous"})
    assert response.status_code == 400
    client.force_login(box["member"])
    page = client.get(_url("index", box)).content.decode()
    assert "<strong>ici</strong>" in page
    assert 'data-testid="idea-new-link"' not in page
    page = client.get(_url("new", box)).content.decode()
    assert "seule l'animation propose des idées" in page.replace("&#x27;", "'")


def test_the_platform_box_is_linked_and_open_to_every_state_agent(client):
    """« Améliorer Maillage » is in the navigation; its box is created on the first visit and
    tells a State agent who is not a member that participating makes them one; a partner does
    not see the link."""
    agent = AgentFactory()
    client.force_login(agent)
    url = reverse("ideas:index", args=["ameliorer-maillage"])
    home = client.get("/").content.decode()
    assert url in home and "Améliorer Maillage" in home
    page = client.get(url).content.decode()
    assert "En participant, vous rejoignez la communauté Améliorer Maillage." in page
    assert 'data-testid="idea-new-link"' in page
    response = client.post(
        reverse("ideas:new", args=["ameliorer-maillage"]),
        {"title": "Un mode sombre", "body": "Pour le soir."},
    )
    assert response.status_code == 302
    partner = AgentFactory(is_external=True)
    client.force_login(partner)
    assert url not in client.get("/").content.decode()


def test_the_dashboard_shows_the_latest_answers_of_the_agents_boxes(client, box):
    """« Idées : dernières réponses » on the home page lists the ideas of the agent's
    communities whose status moved, and is absent when there is none."""
    client.force_login(box["member"])
    assert 'data-testid="dashboard-ideas"' not in client.get("/").content.decode()
    services.idea_set_status(idea=box["idea"], actor=box["animator"], status=S.STUDYING)
    home = client.get("/").content.decode()
    assert 'data-testid="dashboard-ideas"' in home
    assert _url("idea", box, box["idea"].pk) in home and "À l&#x27;étude" in home
    client.force_login(AgentFactory())  # in none of the box's communities
    assert 'data-testid="dashboard-ideas"' not in client.get("/").content.decode()


def test_the_title_asks_for_similar_ideas_as_it_is_typed(client, box):
    """The title field fetches the similar ideas with htmx after a pause in typing; the
    fragment lists the close ideas, another box's never."""
    client.force_login(box["colleague"])
    page = client.get(_url("new", box)).content.decode()
    assert f'hx-get="{_url("similar", box)}"' in page
    assert 'hx-trigger="keyup changed delay:400ms"' in page
    elsewhere = CommunityFactory(open=True)
    stranger = MembershipFactory(community=elsewhere).agent
    services.idea_submit(
        community=elsewhere, agent=stranger, title="Un modèle commun ailleurs", body="x"
    )
    fragment = client.get(
        _url("similar", box) + "?title=mod%C3%A8le+commun", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Un modèle commun d&#x27;arrêté" in fragment and "ailleurs" not in fragment
    assert "<html" not in fragment
    fragment = client.get(_url("similar", box) + "?titre=zzzz").content.decode()
    assert "Aucune idée proche dans cette boîte." in fragment
