"""The guided project presentation: its template, what is missing, its length (R41)."""

from calls.presentation import (
    CHARS_PER_PAGE,
    ITEMS,
    PAGE_LIMIT,
    SECTIONS,
    character_count,
    missing,
    over_limit,
    page_estimate,
    section_filled,
)


def complete():
    return {code: f"Texte de la rubrique {code}." for code in ITEMS}


def test_the_template_has_the_five_sections_of_the_call():
    """Sections I to V, in French, with their sub-items coded by section number."""
    assert [section.code for section in SECTIONS] == ["I", "II", "III", "IV", "V"]
    assert str(SECTIONS[0].title) == "L'ambition du projet"
    assert str(SECTIONS[4].title) == "Résultats attendus"
    assert [item.code for item in SECTIONS[3].items] == ["4a", "4b", "4c"]
    assert str(ITEMS["4a"].label) == "Gouvernance du projet"
    assert len(ITEMS) == 21
    assert all(item.help for item in ITEMS.values())


def test_an_empty_presentation_misses_every_mandatory_item():
    """Nothing written: every mandatory item is missing, in the template's order."""
    assert [item.code for item in missing({})] == list(ITEMS)
    assert missing(None) == missing({})


def test_a_blank_text_counts_as_empty():
    """Spaces and line breaks only, or a value that is not text, leave the item missing."""
    presentation = complete()
    presentation["2b"] = "  \n\t "
    presentation["3f"] = None
    del presentation["5b"]
    assert [item.code for item in missing(presentation)] == ["2b", "3f", "5b"]


def test_a_complete_presentation_misses_nothing():
    """Every item written: nothing is missing and every section is filled."""
    presentation = complete()
    assert missing(presentation) == []
    assert all(section_filled(presentation, section.code) for section in SECTIONS)


def test_a_section_is_filled_only_when_all_its_items_are():
    """Section IV (the scale-up) needs its three items."""
    presentation = {"4a": "Un comité mensuel.", "4b": "Le SGAR et la DINUM."}
    assert not section_filled(presentation, "IV")
    presentation["4c"] = "Un guide de reprise."
    assert section_filled(presentation, "IV")


def test_the_page_estimate_counts_a_title_page_and_3000_characters_a_page():
    """Pages = 1 title page + printed characters (headings and texts) ÷ 3,000, rounded up."""
    headings = character_count({})
    assert 0 < headings < CHARS_PER_PAGE
    assert page_estimate({}) == 2
    # Fill the first page of text exactly, then pass it by one character.
    presentation = {"1a": "x" * (CHARS_PER_PAGE - headings)}
    assert page_estimate(presentation) == 2
    presentation["1b"] = "y"
    assert page_estimate(presentation) == 3
    # Surrounding spaces are not printed.
    presentation["1b"] = "   y   "
    assert page_estimate(presentation) == 3


def test_over_twenty_pages_is_over_the_limit():
    """A presentation estimated at 21 pages passes the 20-page limit; at 20 it does not."""
    assert PAGE_LIMIT == 20
    headings = character_count({})
    at_limit = {"1a": "x" * ((PAGE_LIMIT - 1) * CHARS_PER_PAGE - headings)}
    assert page_estimate(at_limit) == PAGE_LIMIT
    assert not over_limit(at_limit)
    at_limit["2a"] = "un mot de trop"
    assert page_estimate(at_limit) == PAGE_LIMIT + 1
    assert over_limit(at_limit)
    assert not over_limit(at_limit, limit=25)
