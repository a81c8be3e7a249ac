"""The labs call's own presentation and pre-check (R61, spec §3.13): a labs dossier writes the
labs' sections I-V (L5651-5733) on its presentation page, in its export and in its page estimate;
its pre-check reads the scale-up in the labs' section V and warns, without blocking, while no
external partner is named (L3340-3432). A communities dossier is unchanged."""

import io
import zipfile

import pypdfium2 as pdfium
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.html import escape

from calls import documents, presentation
from calls.eligibility import can_deposit, precheck
from calls.models import Call, Partner, Piece
from calls.presentation import (
    ITEMS,
    LABS_SECTIONS,
    SECTIONS,
    items_for,
    items_of,
    missing,
    page_estimate,
    page_limit_for,
    sections_for,
)
from calls.template import call_from_template
from tests.calls import samples
from tests.calls.factories import CallFactory, DossierFactory, add_partner, complete, lead_of

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
LABS_TITLES = [
    "L'ambition du projet de laboratoire",
    "Les conditions de mise en œuvre du projet de laboratoire",
    "La méthode retenue",
    "Les actions prévues pour pérenniser le laboratoire",
    "Les résultats attendus",
]
COMMUNITIES_ONLY_TITLES = [
    "La solution proposée et bénéfices associés",
    "Actions prévues pour pérenniser la solution en cas de succès",
]
LABS_ITEMS = items_of(LABS_SECTIONS)


def labs_dossier(**fields):
    return DossierFactory(call=CallFactory(kind=Call.Kind.LABS), **fields)


def add_act(dossier, partner):
    """The partner's signed commitment act, as a stored PDF."""
    kind = dossier.call.piece_kinds.get(code="engagement-partenaire")
    piece = Piece(
        dossier=dossier,
        kind=kind,
        partner=partner,
        name="acte.pdf",
        content_type="application/pdf",
        size=len(samples.pdf()),
        pages=1,
        signature="rgs2",
    )
    piece.file.save("acte.pdf", ContentFile(samples.pdf()), save=False)
    piece.save()


def url(name, dossier):
    return reverse(f"calls:{name}", args=[dossier.call.slug, dossier.pk])


def pdf_text(data):
    """The text of every page of the PDF ``data``, its whitespace (line breaks) collapsed."""
    document = pdfium.PdfDocument(data)
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return " ".join(text.split())


def codes(checks):
    return [check.code for check in checks]


# --- the sections -----------------------------------------------------------------------------


def test_the_labs_sections_are_those_of_the_labs_response_file():
    """Five sections I-V with the labs' titles and the seed's items: the missions, the five
    « chantiers » of section II, the partnership in III, the multi-year financing plan in IV and
    the ability to replicate the hosted projects in V; every item has a help text."""
    assert [s.code for s in LABS_SECTIONS] == ["I", "II", "III", "IV", "V"]
    assert [str(s.title) for s in LABS_SECTIONS] == LABS_TITLES
    assert [[i.code for i in s.items] for s in LABS_SECTIONS] == [
        ["1a", "1b", "1c", "1d"],
        ["2a", "2b", "2c", "2d", "2e"],
        ["3a", "3b", "3c", "3d", "3e"],
        ["4a", "4b", "4c"],
        ["5a", "5b"],
    ]
    labels = {code: str(item.label) for code, item in LABS_ITEMS.items()}
    assert labels["1b"] == "Définition des missions attribuées au laboratoire"
    assert labels["2c"] == "Immobilier, équipement et logistique"
    assert "caractère interministériel et partenarial" in labels["3a"]
    assert "plan de financement pluriannuel" in labels["4b"]
    assert labels["5b"] == "Capacité à répliquer les projets hébergés au sein de l'ATE"
    assert all(str(item.help) for item in LABS_ITEMS.values())


def test_sections_for_follows_the_calls_kind():
    """A labs call gets the labs' sections, a communities call (and no call) the communities'
    ones, which keep their old names."""
    assert sections_for(CallFactory(kind=Call.Kind.LABS)) is LABS_SECTIONS
    assert sections_for(CallFactory()) is SECTIONS
    assert sections_for(None) is SECTIONS
    assert items_for(CallFactory()) == ITEMS
    assert len(ITEMS) == 21


def test_missing_and_the_estimate_use_the_sections_given():
    """``missing`` lists the 19 labs items for an empty labs presentation; a text under a
    communities-only item (3g) is not counted in the labs estimate but is in the communities'
    one."""
    assert [item.code for item in missing({}, LABS_SECTIONS)] == list(LABS_ITEMS)
    assert [item.code for item in missing({})] == list(ITEMS)
    full = dict.fromkeys(LABS_ITEMS, "Rédigé.")
    assert missing(full, LABS_SECTIONS) == []
    assert [item.code for item in missing(full)] == ["3f", "3g"]
    long = {"3g": "x" * 90_000}
    assert page_estimate(long) > 20
    assert page_estimate(long, LABS_SECTIONS) == page_estimate({}, LABS_SECTIONS) == 2


def test_the_labs_template_call_keeps_twenty_pages():
    """The call built from the labs template limits its description to 20 pages (its piece),
    as the seed says (L3945, L5491)."""
    labs = call_from_template("laboratoires-2016", slug="labs-2016", published=True, historic=True)
    assert sections_for(labs) is LABS_SECTIONS
    assert page_limit_for(labs) == 20


# --- the page ---------------------------------------------------------------------------------


def test_the_labs_presentation_page_shows_the_labs_sections(client):
    """The lead of a labs dossier reads the five labs sections with their items, and neither
    the communities' own sections nor their own items (2b's « innovations technologiques »)."""
    dossier = labs_dossier()
    client.force_login(lead_of(dossier))
    page = client.get(url("presentation", dossier)).content.decode()
    for n, title in enumerate(LABS_TITLES):
        assert f"{('I', 'II', 'III', 'IV', 'V')[n]}- {escape(title)}" in page
    for item in LABS_ITEMS.values():
        assert f'id="id_item_{item.code}"' in page
        assert escape(str(item.label)) in page
    for title in COMMUNITIES_ONLY_TITLES:
        assert escape(title) not in page
    assert 'id="id_item_3f"' not in page
    assert "innovations technologiques" not in page


def test_a_communities_presentation_page_is_unchanged(client):
    """A communities dossier still shows the communities' sections and its 21 items."""
    dossier = DossierFactory()
    client.force_login(lead_of(dossier))
    page = client.get(url("presentation", dossier)).content.decode()
    for section in SECTIONS:
        assert f"{section.code}- {escape(str(section.title))}" in page
    assert all(f'id="id_item_{code}"' in page for code in ITEMS)
    assert escape(LABS_TITLES[0]) not in page


def test_the_labs_page_estimate_and_missing_items_use_the_labs_sections(client):
    """A huge text under a communities-only code does not raise a labs dossier's estimate;
    the empty items listed are the labs' ones; the same text warns on a communities dossier."""
    labs = labs_dossier(presentation={"3g": "x" * 90_000, "1a": "Rédigé."})
    client.force_login(lead_of(labs))
    response = client.get(url("presentation", labs))
    assert response.context["pages"] == page_estimate(labs.presentation, LABS_SECTIONS) == 2
    assert response.context["page_limit"] == 20
    assert not response.context["over_limit"]
    assert [item.code for item in response.context["missing_items"]] == list(LABS_ITEMS)[1:]
    assert 'data-testid="page-warning"' not in response.content.decode()

    communities = DossierFactory(presentation={"3g": "x" * 90_000})
    client.force_login(lead_of(communities))
    response = client.get(url("presentation", communities))
    assert response.context["over_limit"]
    assert 'data-testid="page-warning"' in response.content.decode()


def test_saving_a_labs_presentation_keeps_only_the_labs_items(client):
    """The lead's POST saves the labs items; a forged communities-only field (3g) is ignored;
    the side menu marks the part complete once every labs item is written."""
    dossier = labs_dossier()
    client.force_login(lead_of(dossier))
    data = {f"item_{code}": f"Texte {code}." for code in LABS_ITEMS}
    data.update(item_3g="Forgé.", free_software="yes", support_needs="Un appui du SGMAP.")
    response = client.post(url("presentation", dossier), data)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.presentation == {code: f"Texte {code}." for code in LABS_ITEMS}
    page = client.get(url("presentation", dossier))
    menu = {entry["key"]: entry["complete"] for entry in page.context["menu"]}
    assert menu["presentation"] is True


def test_script_in_a_labs_section_is_shown_escaped(client):
    """Markup typed in a labs item comes back escaped in its textarea, never as a tag."""
    dossier = labs_dossier(presentation={"2c": SCRIPT, "5b": SCRIPT})
    client.force_login(lead_of(dossier))
    page = client.get(url("presentation", dossier)).content.decode()
    assert SCRIPT not in page
    assert page.count(escape(SCRIPT)) == 2


# --- the pre-check ----------------------------------------------------------------------------


def test_a_labs_scale_up_is_the_replication_of_section_five():
    """E8 of a labs dossier passes with section IV empty once 5b (replication across the ATE)
    is written, and fails, naming 5b's label, when only 5b is empty; it never asks the
    communities' section IV."""
    without_four = {code: "Rédigé." for code in LABS_ITEMS if not code.startswith("4")}
    dossier = labs_dossier(presentation=without_four)
    e8 = next(check for check in precheck(dossier) if check.code == "E8")
    assert e8.ok and e8.detail == ""

    dossier = labs_dossier(presentation={c: "Rédigé." for c in LABS_ITEMS if c != "5b"})
    e8 = next(check for check in precheck(dossier) if check.code == "E8")
    assert not e8.ok
    assert "partie V" in e8.detail
    assert "Capacité à répliquer les projets hébergés au sein de l'ATE" in e8.detail
    assert "partie IV" not in e8.detail


def test_a_labs_dossier_without_external_partner_is_warned_not_blocked():
    """A complete labs dossier whose only partner is a service of the ATE gets the partnership
    warning (not blocking): the deposit stays allowed and the warning is not a reason."""
    dossier = labs_dossier()
    complete(dossier, partners=1)
    assert not dossier.partners.exclude(nature=Partner.Nature.STATE_ATE).exists()
    checks = precheck(dossier)
    warning = next(check for check in checks if check.code == "partnership")
    assert not warning.ok and not warning.blocking
    assert "partenaires potentiels" in warning.detail
    assert all(check.ok for check in checks if check.code != "partnership")
    ready, reasons = can_deposit(dossier)
    assert ready and reasons == []


def test_an_external_partner_lifts_the_warning_without_any_justification():
    """A labs dossier naming a local authority passes the partnership check, and its partner
    outside the ATE needs no justification (no E15 for a lab, L3414-3432)."""
    dossier = labs_dossier()
    complete(dossier, partners=1)
    partner = add_partner(dossier, name="Métropole de Rennes", justification="")
    add_act(dossier, partner)
    checks = precheck(dossier)
    assert "E15" not in codes(checks)
    partnership = next(check for check in checks if check.code == "partnership")
    assert partnership.ok and "Métropole de Rennes" in partnership.detail
    assert can_deposit(dossier) == (True, [])


def test_the_communities_precheck_is_unchanged():
    """A communities dossier keeps its nine checks in order, all blocking, E15 included, no
    partnership line, and E8 still asks its section IV."""
    dossier = DossierFactory(presentation={code: "Rédigé." for code in ITEMS if code != "4b"})
    add_partner(dossier, name="Métropole de Rennes", justification="")
    checks = precheck(dossier)
    assert codes(checks) == [
        "E9",
        "E11",
        "E10",
        "E15",
        "E6",
        "E8",
        "free_software",
        "E16",
        "support_needs",
    ]
    assert all(check.blocking for check in checks)
    e8 = next(check for check in checks if check.code == "E8")
    assert not e8.ok
    assert str(presentation.section("IV").title) in e8.detail
    assert not next(check for check in checks if check.code == "E15").ok


# --- the export -------------------------------------------------------------------------------


def test_the_labs_summary_pdf_has_the_labs_sections():
    """The summary of a labs dossier prints the labs' section titles, item labels and texts,
    not the communities' own sections; the zip's summary too, and a script stays text."""
    dossier = labs_dossier(presentation={"2c": "Un tiers-lieu près de la gare.", "5b": SCRIPT})
    text = pdf_text(documents.summary_pdf(dossier))
    for title in LABS_TITLES:
        assert title in text
    assert "Capacité à répliquer les projets hébergés au sein de l'ATE" in text
    assert "Un tiers-lieu près de la gare." in text
    assert SCRIPT in text
    for title in COMMUNITIES_ONLY_TITLES:
        assert title not in text
    archive = zipfile.ZipFile(io.BytesIO(documents.export_zip(dossier)))
    assert LABS_TITLES[3] in pdf_text(archive.read(documents.SUMMARY_NAME))


def test_the_export_page_of_a_labs_dossier_has_the_labs_sections(client):
    """The lead downloads the export from the dossier's page: its summary has the labs'
    sections."""
    dossier = labs_dossier()
    client.force_login(lead_of(dossier))
    response = client.get(url("export", dossier))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    summary = zipfile.ZipFile(io.BytesIO(body)).read(documents.SUMMARY_NAME)
    text = pdf_text(summary)
    assert LABS_TITLES[1] in text
    assert COMMUNITIES_ONLY_TITLES[0] not in text


def test_the_communities_summary_pdf_is_unchanged():
    """A communities dossier's summary still prints the communities' sections."""
    text = pdf_text(documents.summary_pdf(DossierFactory()))
    for title in COMMUNITIES_ONLY_TITLES:
        assert title in text
    assert LABS_TITLES[0] not in text


def test_the_overview_marks_the_partnership_warning_as_a_note(client):
    """On the dossier's overview, the partnership warning reads « À noter », not « Non
    respecté » (it never blocks the deposit)."""
    dossier = labs_dossier()
    complete(dossier, partners=1)
    client.force_login(lead_of(dossier))
    page = client.get(url("dossier", dossier)).content.decode()
    start = page.index('data-testid="check-partnership"')
    line = page[start : page.index("</li>", start)]
    assert "À noter :" in line and "Non respecté" not in line
