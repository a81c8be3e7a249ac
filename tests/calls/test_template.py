"""The 2016 communities call as data (R36, R52, spec §3.5, §3.6, §3.10, §7.1) and the calls built
from it."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from calls.models import Call, Criterion, PieceKind, Theme, Wave
from calls.template import TEMPLATES, call_from_template, load_template
from tests.calls.factories import paris
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

NAME = "communautes-2016"


@pytest.fixture
def historic():
    return call_from_template(NAME, slug="communautes-2016", published=True, historic=True)


@pytest.fixture
def bad_template(tmp_path, monkeypatch):
    """Registers a copy of the 2016 file changed by ``change(data)`` as the template « essai »."""

    def make(change):
        data = json.loads(TEMPLATES[NAME].read_text(encoding="utf-8"))
        change(data)
        path = tmp_path / "essai.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        monkeypatch.setitem(TEMPLATES, "essai", path)
        return "essai"

    return make


def test_2016_waves_close_at_17_paris_on_the_days_of_the_call(historic):
    """R36: wave 1 closes on 15 June 2016 and wave 2 on 26 October 2016, both at 17:00 Paris time
    (15:00 UTC in summer time), with their selection by end of July and end of December 2016
    (§7.1) and 40 % then 60 % of the envelope."""
    waves = list(historic.waves.order_by("number"))
    assert [w.number for w in waves] == [1, 2]
    assert waves[0].deadline == paris(2016, 6, 15)
    assert waves[1].deadline == paris(2016, 10, 26)
    assert waves[0].deadline == datetime(2016, 6, 15, 15, 0, tzinfo=UTC)
    assert waves[1].deadline == datetime(2016, 10, 26, 15, 0, tzinfo=UTC)
    assert [w.selection_date for w in waves] == [date(2016, 7, 31), date(2016, 12, 31)]
    assert [w.envelope_share for w in waves] == [40, 60]


def test_loader_reads_deadlines_as_paris_wall_clock_times():
    """The file's "2016-06-15T17:00" becomes an aware datetime in Europe/Paris, not UTC."""
    waves = load_template(NAME)["waves"]
    assert waves[0]["deadline"].utcoffset().total_seconds() == 2 * 3600
    assert waves[0]["deadline"].hour == 17


def test_2016_call_identity_caps_and_formats(historic):
    """The call carries its title, category, envelope (60 % of 10 M€), caps (500 / 250 k€, 50 %),
    the formats of §7.6, 10 MB, a 0-5 scale, the platform deposit, the SGMAP contact and the two
    themes in French; it is published and historic."""
    call = Call.objects.get(pk=historic.pk)
    assert call.kind == Call.Kind.COMMUNITIES
    assert call.title.startswith("Transition numérique de l'administration territoriale")
    assert "Communautés professionnelles territoriales" in call.title
    assert call.category == "Projet d'amorçage"
    assert call.envelope == Decimal("6000")
    assert call.max_total_cost == Decimal("500")
    assert call.max_requested == Decimal("250")
    assert call.derogation_share == 50
    assert call.accepted_formats == ["odt", "ods", "odp", "pdf", "doc", "xls", "ppt"]
    assert call.max_dossier_bytes == 10 * 1024 * 1024
    assert call.scale_max == 5
    assert call.deposit == Call.Deposit.PLATFORM
    assert "sgmap-numerique-ate@modernisation.gouv.fr" in call.contacts
    assert "usages de travail collaboratifs" in call.summary
    assert call.is_published and call.is_historic
    themes = list(call.themes.values_list("label", flat=True))
    assert len(themes) == 2
    assert themes[0].startswith("Moderniser et innover dans la mise en œuvre")
    assert themes[1].startswith("Innover dans les conditions et relations de travail")


def test_2016_grid_has_six_criteria_and_their_sub_criteria_in_french(historic):
    """R52: six criteria; sub-criteria 2a-2c, 3a-3c and 6a-6e under their parents; 1, 4 and 5
    scored as such; French labels, key questions and evidence on every scored criterion; equal
    weights."""
    criteria = historic.criteria.all()
    top = criteria.filter(parent=None).order_by("order")
    assert [c.code for c in top] == ["1", "2", "3", "4", "5", "6"]
    assert top[0].label == "Caractère interministériel des projets"
    assert top[4].label == "Capacité des équipes"
    children = {c.code: sorted(c.children.values_list("code", flat=True)) for c in top}
    assert children == {
        "1": [],
        "2": ["2a", "2b", "2c"],
        "3": ["3a", "3b", "3c"],
        "4": [],
        "5": [],
        "6": ["6a", "6b", "6c", "6d", "6e"],
    }
    assert criteria.get(code="3c").label == "Interopérabilité"
    assert criteria.get(code="6e").label == "Évaluation du projet"
    leaves = [c for c in criteria if not c.children.exists()]
    assert len(leaves) == 14
    for leaf in leaves:
        assert leaf.questions and leaf.evidence, leaf.code
        assert leaf.questions.split("\n")[0].endswith("?"), leaf.code
    assert "charge de travail économisée" in criteria.get(code="2b").evidence
    assert "plusieurs échelons territoriaux" in criteria.get(code="1").questions
    assert {c.weight for c in criteria} == {Decimal("1")}


def test_parents_are_created_before_their_sub_criteria(historic):
    """Each sub-criterion comes after its parent, in id and in display order."""
    for child in historic.criteria.exclude(parent=None).select_related("parent"):
        assert child.parent.pk < child.pk
        assert child.parent.order < child.order
        assert child.code.startswith(child.parent.code)


def test_2016_pieces(historic):
    """The pieces of §3.5: one commitment act per partner, signed and mandatory; the delegation
    of signature optional in itself; 2 pages for the synthesis, 20 for the presentation, 10
    slides for the communication presentation; optional certificates and annexes."""
    kinds = {k.code: k for k in historic.piece_kinds.all()}
    assert list(historic.piece_kinds.values_list("code", flat=True)) == [
        "synthese",
        "presentation",
        "communication",
        "acte-candidature",
        "delegation",
        "engagement-partenaire",
        "attestation-cofinancement",
        "annexes",
    ]
    commitment = kinds["engagement-partenaire"]
    assert commitment.per_partner and commitment.mandatory and commitment.signed
    assert [k for k, v in kinds.items() if v.per_partner] == ["engagement-partenaire"]
    assert not kinds["delegation"].mandatory and kinds["delegation"].signed
    assert kinds["acte-candidature"].mandatory and kinds["acte-candidature"].signed
    assert kinds["synthese"].max_pages == 2
    assert kinds["presentation"].max_pages == 20
    assert kinds["communication"].max_slides == 10
    assert not kinds["attestation-cofinancement"].mandatory
    assert not kinds["annexes"].mandatory
    assert all(k.label and k.help_text for k in kinds.values())


def test_a_current_call_from_the_same_template_with_other_waves(historic):
    """A second call from the template gets its own title, waves and a full copy of the grid and
    pieces; the historic call keeps its 2016 waves."""
    author = AgentFactory()
    current = call_from_template(
        NAME,
        slug="communautes-2027",
        title="Communautés professionnelles territoriales 2027",
        waves=[(paris(2027, 3, 15), date(2027, 4, 30), 100)],
        published=True,
        created_by=author,
    )
    assert current.pk != historic.pk
    assert current.title == "Communautés professionnelles territoriales 2027"
    assert current.created_by == author
    assert not current.is_historic
    waves = list(current.waves.all())
    assert [(w.number, w.deadline, w.selection_date, w.envelope_share) for w in waves] == [
        (1, paris(2027, 3, 15), date(2027, 4, 30), 100)
    ]
    assert historic.waves.count() == 2
    assert current.criteria.count() == historic.criteria.count() == 17
    assert current.piece_kinds.count() == historic.piece_kinds.count() == 8
    assert current.themes.count() == 2


def test_shift_to_moves_the_waves_keeping_17_paris_and_their_spacing():
    """``shift_to`` puts the first closing on that day and the second 133 days later, both at
    17:00 Paris time whatever the summer or winter offset, selections moved alike."""
    call = call_from_template(NAME, slug="decale", shift_to=date(2027, 1, 11))
    first, second = call.waves.order_by("number")
    assert first.deadline == paris(2027, 1, 11)
    assert second.deadline == paris(2027, 5, 24)
    assert first.selection_date == date(2027, 2, 26)
    assert second.selection_date == date(2027, 7, 29)
    assert not call.is_published


def test_a_draft_call_is_not_published():
    """Without ``published`` the call is a draft only its managers see."""
    call = call_from_template(NAME, slug="brouillon")
    assert call.published_at is None and not call.is_historic


def test_a_taken_slug_is_refused_and_nothing_is_left(historic):
    """Building a call on a slug already used raises ValueError and creates no half call."""
    before = (Theme.objects.count(), Wave.objects.count(), PieceKind.objects.count())
    with pytest.raises(ValueError, match="slug"):
        call_from_template(NAME, slug="communautes-2016")
    assert Call.objects.count() == 1
    assert (Theme.objects.count(), Wave.objects.count(), PieceKind.objects.count()) == before
    assert Criterion.objects.count() == 17


def test_unknown_template():
    """An unknown template name is a ValueError naming it."""
    with pytest.raises(ValueError, match="inconnu"):
        load_template("labos-2016")


@pytest.mark.parametrize(
    "waves, message",
    [
        ([(datetime(2027, 3, 15, 17, 0), None, 100)], "fuseau"),
        ([(paris(2027, 3, 15), None, 40)], "40 %"),
        ([(paris(2027, 6, 1), None, 40), (paris(2027, 3, 1), None, 60)], "précédente"),
        ([(paris(2027, 6, 1), date(2027, 5, 1), 100)], "précède"),
    ],
)
def test_bad_waves_are_refused(waves, message):
    """Waves given to the builder must be aware, ordered, selected after closing and share the
    whole envelope; otherwise ValueError and no call."""
    with pytest.raises(ValueError, match=message):
        call_from_template(NAME, slug="mauvais", waves=waves)
    assert not Call.objects.filter(slug="mauvais").exists()


def test_waves_and_shift_are_exclusive():
    """Giving both new waves and a shift date is refused."""
    with pytest.raises(ValueError):
        call_from_template(
            NAME, slug="x", waves=[(paris(2027, 3, 15), None, 100)], shift_to=date(2027, 1, 1)
        )


def _set(path, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    "change, message",
    [
        (_set(("kind",), "labos"), "type d'appel"),
        (_set(("max_requested",), "600"), "coût total maximal"),
        (_set(("envelope",), "beaucoup"), "montant"),
        (_set(("waves", 0, "deadline"), "2016-06-15T17:00+02:00"), "sans fuseau"),
        (_set(("waves", 0, "deadline"), "15/06/2016"), "n'est pas une date"),
        (_set(("waves", 1, "envelope_share"), 50), "90 %"),
        (_set(("pieces", 1, "code"), "synthese"), "en double"),
        (_set(("pieces", 0, "mandatory"), "oui"), "true ou false"),
        (_set(("criteria", 1, "children", 0, "code"), "1"), "en double"),
        (_set(("criteria", 0, "questions"), "Une question ?"), "liste de textes"),
        (_set(("criteria", 0, "poids"), 2), "inconnue"),
        (_set(("accepted_formats",), ["pdf", ".exe"]), "extension"),
        (lambda data: data.pop("waves"), "manquante"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(bad_template, change, message):
    """A template with a wrong value, a duplicate code, an unknown or missing key is refused with
    a ValueError naming the template and the faulty entry."""
    name = bad_template(change)
    with pytest.raises(ValueError, match=message) as error:
        load_template(name)
    assert "« essai »" in str(error.value)


def test_unreadable_file(tmp_path, monkeypatch):
    """A file that is not JSON is a ValueError, not a crash."""
    path = tmp_path / "casse.json"
    path.write_text("{ pas du json", encoding="utf-8")
    monkeypatch.setitem(TEMPLATES, "casse", path)
    with pytest.raises(ValueError, match="illisible"):
        load_template("casse")
