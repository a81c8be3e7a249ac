"""Concurrent edits lose nothing: two agents who start from the same revision — the second one's
save is merged when their changes touch other lines, else refused with both texts."""

import pytest

from tests.wiki.helpers import wiki_world
from wiki import services
from wiki.models import Revision

pytestmark = pytest.mark.django_db

BASE = "Intro\n\nPremier paragraphe.\n\nDeuxième paragraphe.\n\nConclusion.\n"


@pytest.fixture
def world():
    return wiki_world()


@pytest.fixture
def page(world):
    return services.page_create(
        community=world.community, agent=world.member, title="Guide", body=BASE
    )


def test_edits_of_different_lines_are_merged(world, page):
    """Alice changes the first paragraph, Bob (from the same revision) the conclusion: Bob's
    save keeps both, as a « fusion » revision based on revision 1."""
    services.page_save(
        page=page,
        agent=world.member,
        title="Guide",
        body=BASE.replace("Premier paragraphe.", "Premier paragraphe, revu."),
        base_number=1,
    )
    saved = services.page_save(
        page=page,
        agent=world.other,
        title="Guide",
        body=BASE.replace("Conclusion.", "Conclusion nouvelle."),
        base_number=1,
    )
    assert saved.merged
    assert "Premier paragraphe, revu." in saved.page.body
    assert "Conclusion nouvelle." in saved.page.body
    revision = Revision.objects.get(page=page, number=3)
    assert (revision.kind, revision.base_number, revision.author) == ("merge", 1, world.other)


def test_edits_of_the_same_line_conflict_with_both_texts(world, page):
    """Both change the same paragraph: Bob's save is refused with Alice's text (theirs) and his
    own (yours), nothing written; saving again from Alice's revision goes through."""
    alice = BASE.replace("Premier paragraphe.", "Version d'Alice.")
    bob = BASE.replace("Premier paragraphe.", "Version de Bob.")
    services.page_save(page=page, agent=world.member, title="Guide", body=alice, base_number=1)
    with pytest.raises(services.EditConflict) as error:
        services.page_save(page=page, agent=world.other, title="Guide", body=bob, base_number=1)
    conflict = error.value
    assert conflict.code == "conflict"
    assert conflict.their_body == alice and conflict.body == bob
    assert (conflict.base_number, conflict.their_number) == (1, 2)
    assert "modifiée par quelqu'un d'autre" in str(conflict)
    assert Revision.objects.filter(page=page).count() == 2
    saved = services.page_save(
        page=page, agent=world.other, title="Guide", body=bob, base_number=conflict.their_number
    )
    assert saved.revision.number == 3 and saved.page.body == bob


def test_two_different_new_titles_conflict_and_one_new_title_is_kept(world, page):
    """A rename by one and a text edit by the other merge (the new title kept); two different
    new titles conflict."""
    services.page_save(page=page, agent=world.member, title="Guide neuf", body=BASE, base_number=1)
    saved = services.page_save(
        page=page,
        agent=world.other,
        title="Guide",
        body=BASE.replace("Intro", "Introduction"),
        base_number=1,
    )
    assert saved.page.title == "Guide neuf" and saved.page.body.startswith("Introduction")
    with pytest.raises(services.EditConflict):
        services.page_save(
            page=page, agent=world.other, title="Autre titre", body=BASE, base_number=1
        )


def test_the_edit_page_shows_the_conflict_and_keeps_the_agents_text(client, world, page):
    """The second agent's POST answers 409 with both texts, their diff, and the agent's text in
    the text area, now based on the current revision."""
    services.page_save(
        page=page,
        agent=world.member,
        title="Guide",
        body=BASE.replace("Premier paragraphe.", "Version d'Alice."),
        base_number=1,
    )
    client.force_login(world.other)
    url = f"/communautes/{world.community.slug}/wiki/pages/{page.slug}/modifier/"
    response = client.post(
        url,
        {
            "title": "Guide",
            "body": BASE.replace("Premier paragraphe.", "Version de <b>Bob</b>."),
            "summary": "",
            "base_number": "1",
            "action": "save",
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="wiki-conflict"' in html
    assert "Version d&#x27;Alice." in html or "Version d'Alice." in html
    assert "Version de &lt;b&gt;Bob&lt;/b&gt;." in html
    assert "<b>Bob</b>" not in html
    assert 'name="base_number" value="2"' in html
    assert "<del>" in html and "<ins>" in html
