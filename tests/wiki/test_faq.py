"""FAQ pages: the questions parse out of the ``## Question`` sections, with anchors; the
animators reorder them as a new revision that keeps every character."""

import pytest

from tests.wiki.helpers import wiki_world
from wiki import markup, services
from wiki.models import Page, Revision

pytestmark = pytest.mark.django_db

FAQ = (
    "Les questions fréquentes.\n\n"
    "## Comment s'inscrire ?\n\nEn cliquant sur **Rejoindre**.\n\n"
    "## Qui anime ?\n\nL'équipe.\n```\n## pas une question\n```\n\n"
    "## Où trouver la charte ?\n\nDans le menu.\n"
)


def test_entries_parse_with_their_anchors_and_code_is_not_a_question():
    intro, entries = markup.faq_entries(FAQ)
    assert intro == "Les questions fréquentes."
    assert [(e.question, e.anchor) for e in entries] == [
        ("Comment s'inscrire ?", "comment-sinscrire"),
        ("Qui anime ?", "qui-anime"),
        ("Où trouver la charte ?", "ou-trouver-la-charte"),
    ]
    assert "## pas une question" in entries[1].answer


@pytest.fixture
def world():
    return wiki_world()


@pytest.fixture
def faq(world):
    return services.page_create(
        community=world.community, agent=world.member, title="FAQ", body=FAQ, kind=Page.Kind.FAQ
    )


def test_the_animators_move_a_question_as_a_new_revision(world, faq):
    revision = services.faq_move(
        page=faq, agent=world.animator, anchor="ou-trouver-la-charte", direction=-1, base_number=1
    )
    assert (revision.number, revision.kind) == (2, "reorder")
    faq.refresh_from_db()
    _intro, entries = markup.faq_entries(faq.body)
    assert [e.anchor for e in entries] == ["comment-sinscrire", "ou-trouver-la-charte", "qui-anime"]
    assert sorted(faq.body.split("\n")) == sorted(
        (FAQ.rstrip("\n") + "\n").split("\n")
    )  # the same lines, permuted
    services.page_restore(page=faq, agent=world.animator, number=1)
    faq.refresh_from_db()
    assert faq.body == Revision.objects.get(page=faq, number=1).body


def test_reordering_is_refused_to_members_at_the_ends_and_from_an_old_revision(world, faq):
    with pytest.raises(services.WikiError, match="Seule l'animation"):
        services.faq_move(page=faq, agent=world.member, anchor="qui-anime", direction=-1)
    with pytest.raises(services.WikiError, match="déjà la première"):
        services.faq_move(page=faq, agent=world.animator, anchor="comment-sinscrire", direction=-1)
    with pytest.raises(services.WikiError, match="déjà la dernière"):
        services.faq_move(
            page=faq, agent=world.animator, anchor="ou-trouver-la-charte", direction=1
        )
    with pytest.raises(services.WikiError, match="pas dans la FAQ"):
        services.faq_move(page=faq, agent=world.animator, anchor="inconnue", direction=1)
    services.page_save(
        page=faq, agent=world.member, title="FAQ", body=FAQ + "\n## Nouvelle ?\n", base_number=1
    )
    with pytest.raises(services.WikiError, match="a changé entre-temps"):
        services.faq_move(
            page=faq, agent=world.animator, anchor="qui-anime", direction=1, base_number=1
        )
    plain = services.page_create(
        community=world.community, agent=world.member, title="Page", body="## A\n## B"
    )
    with pytest.raises(services.WikiError, match="pas une foire aux questions"):
        services.faq_move(page=plain, agent=world.animator, anchor="b", direction=-1)


def test_the_faq_page_lists_its_questions_with_anchors_and_reorders_without_javascript(
    client, world, faq
):
    """The FAQ's page: the list of questions at the top linking to their anchors; the
    animators' order page moves a question with a plain form."""
    client.force_login(world.animator)
    base = f"/communautes/{world.community.slug}/wiki/pages/{faq.slug}/"
    html = client.get(base).content.decode()
    assert 'href="#qui-anime"' in html and '<h3 id="qui-anime">Qui anime ?</h3>' in html
    response = client.post(
        base + "ordre-des-questions/",
        {"question": "qui-anime", "direction": "up", "base_number": "1"},
    )
    assert response.status_code == 302
    faq.refresh_from_db()
    assert [e.anchor for e in markup.faq_entries(faq.body)[1]][0] == "qui-anime"
    client.force_login(world.member)
    response = client.post(
        base + "ordre-des-questions/", {"question": "qui-anime", "direction": "down"}
    )
    assert response.status_code == 403
    assert "Seule l&#x27;animation range les questions" in response.content.decode()
