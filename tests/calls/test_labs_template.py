"""The 2016 « Laboratoires d'innovations territoriales » call as data (R61, spec §3.13): its
template file, a call built from it, and the « Nouvel appel » page offering it."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from calls.configuration import template_choices
from calls.models import Call, Criterion
from calls.template import KIND_TEMPLATES, TEMPLATES, call_from_template, load_template
from tests.calls.factories import paris
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

NAME = "laboratoires-2016"

LAB_PIECES = [
    # code, mandatory, per partner, signed, max pages, max slides
    ("synthese", True, False, False, 2, None),
    ("presentation", True, False, False, 20, None),
    ("acte-candidature", True, False, True, None, None),
    ("delegation", False, False, True, None, None),
    ("engagement-partenaire", True, True, True, None, None),
    ("engagement-prefet", True, False, True, None, None),
    ("charte-organisation", True, False, True, None, None),
    ("attestation-cofinancement", False, False, True, None, None),
    ("annexes", False, False, False, None, None),
]

LAB_CRITERIA = {
    "1": ("Caractère interministériel et partenarial", ["1a", "1b"]),
    "2": (
        "Valeur économique et sociale du laboratoire au regard de l'investissement",
        ["2a", "2b", "2c"],
    ),
    "3": ("Caractère innovant des projets issus du laboratoire", ["3a", "3b", "3c"]),
    "4": ("Motivation des équipes et gouvernance", ["4a", "4b"]),
    "5": (
        "Engagement de la hiérarchie pour le montage du laboratoire et adhésion à une démarche "
        "d'évaluation",
        ["5a", "5b", "5c", "5d", "5e"],
    ),
}


@pytest.fixture
def labs():
    return call_from_template(NAME, slug="laboratoires-2016", published=True, historic=True)


def test_the_labs_template_is_registered_beside_the_communities_one():
    """Both 2016 calls are templates, each the template of its kind, and the « Nouvel appel »
    page offers both by their French names."""
    assert TEMPLATES[NAME].name == "laboratoires-2016.json"
    assert KIND_TEMPLATES == {Call.Kind.COMMUNITIES: "communautes-2016", Call.Kind.LABS: NAME}
    choices = dict(template_choices())
    assert set(choices) == {"communautes-2016", NAME}
    assert "Laboratoires d'innovations territoriales" in choices[NAME]


def test_a_labs_call_has_exactly_the_pieces_of_the_labs_response(labs):
    """No 10-slide presentation; the synthesis, the 20-page description with its sections I-V,
    the application act, the partners' commitment acts, the préfet's commitment and the
    organisation charter (signed, mandatory), and the optional pieces."""
    pieces = [
        (p.code, p.mandatory, p.per_partner, p.signed, p.max_pages, p.max_slides)
        for p in labs.piece_kinds.order_by("order")
    ]
    assert pieces == LAB_PIECES
    assert not labs.piece_kinds.filter(max_slides__isnull=False).exists()
    description = labs.piece_kinds.get(code="presentation").help_text
    for section in ("I. Ambition", "II. Conditions", "III. Méthode", "IV. Pérennisation", "V. "):
        assert section in description
    assert "plan de financement pluriannuel" in description
    prefet = labs.piece_kinds.get(code="engagement-prefet").help_text
    for resource in ("lieu", "temps de travail", "relais de communication", "accès aux données"):
        assert resource in prefet
    charter = labs.piece_kinds.get(code="charte-organisation")
    assert "hiérarchie" in charter.label and "temps consacré" in charter.help_text


def test_a_labs_call_has_five_criteria_with_their_sub_criteria(labs):
    """Five criteria (not six), each with its sub-criteria, every one with its key questions
    and expected evidence, weights equal."""
    parents = labs.criteria.filter(parent__isnull=True).order_by("order")
    assert [c.code for c in parents] == list(LAB_CRITERIA)
    for criterion in parents:
        label, children = LAB_CRITERIA[criterion.code]
        assert criterion.label == label
        assert [c.code for c in criterion.children.order_by("order")] == children
    subs = Criterion.objects.filter(call=labs, parent__isnull=False)
    assert subs.count() == 15
    assert all(c.questions and c.evidence for c in subs)
    assert {c.weight for c in labs.criteria.all()} == {Decimal("1")}
    hierarchy = labs.criteria.get(code="5d")
    assert "SGAR" in hierarchy.questions and "chargé de mission numérique" in hierarchy.questions


def test_a_labs_call_has_its_settings_and_one_wave(labs):
    """Kind labs, caps 500 k€ / 250 k€, audition, single deadline, multi-year plan, annual
    follow-up with a 6-month interim review; one wave closing on 28 September 2016 at 17:00
    Paris time (15:00 UTC), selection on 15 November 2016, the whole envelope."""
    assert labs.kind == Call.Kind.LABS
    assert (labs.max_total_cost, labs.max_requested) == (Decimal("500"), Decimal("250"))
    assert labs.envelope == Decimal("4000")
    assert labs.audition and labs.single_deadline and labs.multi_year_plan
    assert labs.follow_up == Call.FollowUp.ANNUAL
    assert labs.interim_review_months == 6
    waves = list(labs.waves.all())
    assert len(waves) == 1
    assert waves[0].deadline == paris(2016, 9, 28)
    assert waves[0].deadline == datetime(2016, 9, 28, 15, 0, tzinfo=UTC)
    assert waves[0].selection_date == date(2016, 11, 15)
    assert waves[0].envelope_share == 100
    assert labs.themes.count() == 4


def test_the_communities_template_keeps_its_defaults():
    """The communities file names none of the new settings: a call built from it has no
    audition, two waves, no multi-year plan, a final report."""
    call = call_from_template("communautes-2016", slug="communautes")
    assert not call.audition and not call.single_deadline and not call.multi_year_plan
    assert call.follow_up == Call.FollowUp.FINAL
    assert call.waves.count() == 2
    assert call.piece_kinds.filter(code="communication", max_slides=10).exists()


def test_the_labs_source_notes_give_the_report_lines():
    """Every part of the file says where it comes from in the report (« L1234 » lines)."""
    data = json.loads(TEMPLATES[NAME].read_text(encoding="utf-8"))
    for key in ("waves", "pieces", "criteria", "caps", "settings", "themes", "envelope"):
        assert "L" in data["_source"][key] and any(ch.isdigit() for ch in data["_source"][key])


def test_a_single_deadline_template_refuses_a_second_wave(tmp_path, monkeypatch):
    """A template with ``single_deadline`` and two waves is refused, naming it; so are two
    waves asked of the labs template."""
    data = json.loads(TEMPLATES[NAME].read_text(encoding="utf-8"))
    data["waves"] = [
        {"number": 1, "deadline": "2016-09-28T17:00", "envelope_share": 50},
        {"number": 2, "deadline": "2016-10-28T17:00", "envelope_share": 50},
    ]
    path = tmp_path / "essai.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setitem(TEMPLATES, "essai", path)
    with pytest.raises(ValueError, match="une seule date de dépôt"):
        load_template("essai")
    with pytest.raises(ValueError, match="une seule date de dépôt"):
        call_from_template(
            NAME,
            slug="deux-vagues",
            waves=[
                (paris(2030, 1, 10), None, 50),
                (paris(2030, 3, 10), None, 50),
            ],
        )
    assert not Call.objects.filter(slug="deux-vagues").exists()


def test_a_bad_follow_up_value_is_refused(tmp_path, monkeypatch):
    """A follow-up that is neither « final » nor « annual », or an interim review of 0 months,
    is refused with the entry named."""
    for key, value, message in (
        ("follow_up", "weekly", "mode de suivi"),
        ("interim_review_months", 0, "interim_review_months"),
        ("audition", "yes", "true ou false"),
    ):
        data = json.loads(TEMPLATES[NAME].read_text(encoding="utf-8"))
        data[key] = value
        path = tmp_path / f"essai-{key}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        monkeypatch.setitem(TEMPLATES, "essai", path)
        with pytest.raises(ValueError, match=message):
            load_template("essai")


def test_the_new_call_page_builds_a_labs_call(client):
    """An administrator chooses the labs template on « Nouvel appel »: the call is a labs call
    with its single wave moved to the chosen closing day."""
    client.force_login(AgentFactory(platform_admin=True))
    page = client.get(reverse("calls:call_new"))
    assert 'value="laboratoires-2016"' in page.content.decode()
    response = client.post(
        reverse("calls:call_new"),
        {
            "template": NAME,
            "title": "Laboratoires 2031",
            "scope": "national",
            "region": "",
            "first_closing": "2031-09-30",
        },
    )
    assert response.status_code == 302
    call = Call.objects.get(title="Laboratoires 2031")
    assert call.kind == Call.Kind.LABS and call.audition
    assert [w.deadline for w in call.waves.all()] == [paris(2031, 9, 30)]
    assert call.piece_kinds.count() == len(LAB_PIECES)
