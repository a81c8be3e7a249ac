"""What the agent typed, parsed the French way, and the highlighted excerpt and title."""

from search.query import excerpt, highlight, parse, stem, words_of


def test_words_lose_case_accents_and_elisions():
    """« L'Hôpital » is the word « hopital »; « jusqu'à » loses its elision."""
    assert words_of("L'Hôpital jusqu’à Œuvre") == ["hopital", "a", "oeuvre"]


def test_the_french_stemmer_joins_singular_and_plural():
    """« hôpital » and « hôpitaux » share their stem, as PostgreSQL's and the engine's do."""
    assert stem("hopital") == stem("hopitaux")


def test_parse_reads_phrases_exclusions_and_a_quoted_word():
    """Quotes (straight or French) make a phrase, a leading « - » excludes a word, a single
    quoted word is a word; a word both wanted and excluded is excluded."""
    query = parse('« plan local d\'urbanisme » urbanisme "eau" -rennes -urbanisme')
    assert query.phrases == (("plan", "local", "urbanisme"),)
    assert query.words == ("eau",)
    assert query.excluded == ("rennes", "urbanisme")
    assert query.text.startswith("« plan local")


def test_a_prefix_only_while_a_word_is_being_typed():
    """The suggestions match the last word as a prefix, unless it is finished by a space."""
    assert parse("urba", prefix=True).prefix
    assert not parse("urba ", prefix=True).prefix
    assert not parse("urba").prefix


def test_the_excerpt_is_cut_around_the_match_escaped_and_marked():
    """The passage around the first match, « … » where it is cut, every matched word marked,
    the rest escaped."""
    text = "Début. " + "mot " * 100 + "les <b>hôpitaux</b> de Rennes " + "fin " * 100
    found = excerpt(text, parse("hôpital"))
    assert found.startswith("…") and found.endswith("…")
    assert "&lt;b&gt;<mark>hôpitaux</mark>&lt;/b&gt;" in found
    assert "<b>" not in found


def test_a_title_is_highlighted_whole():
    """A title keeps its start whatever where the match falls."""
    title = "Compte rendu de la réunion du comité de pilotage sur les hôpitaux"
    assert highlight(title, parse("hôpital")) == (
        "Compte rendu de la réunion du comité de pilotage sur les <mark>hôpitaux</mark>"
    )
