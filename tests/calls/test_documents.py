"""The documents a dossier generates (calls.documents): the application act to sign, the
summary of its forms and financing plan, the export zip; read back with pypdfium2."""

import io
import zipfile
from datetime import date

import pypdfium2 as pdfium
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from calls import documents
from calls.models import Dossier, FinancingLine, Piece
from tests.calls import samples
from tests.calls.factories import DossierFactory, add_partner, lead_of

pytestmark = pytest.mark.django_db


def pdf_text(data):
    """The text of every page of the PDF ``data``."""
    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def add_piece(dossier, code, partner=None, name="piece.pdf"):
    kind = dossier.call.piece_kinds.get(code=code)
    piece = Piece(
        dossier=dossier,
        kind=kind,
        partner=partner,
        name=name,
        content_type="application/pdf",
        size=len(samples.pdf()),
        pages=1,
        signature="rgs2" if kind.signed else "",
    )
    piece.file.save(name, ContentFile(samples.pdf()), save=False)
    piece.save()
    return piece


def test_the_act_carries_the_sponsor_and_the_declaration():
    """The generated act shows the sponsor's name and address (accents kept), the call's
    title, the standard declaration and the signatory."""
    dossier = DossierFactory(
        sponsor_name="Préfecture de la région Bretagne",
        sponsor_address="3 avenue de la Préfecture, 35000 Rennes",
        signatory_name="Anne Lefèvre",
        signatory_title="Préfète de région",
        signed_on=date(2026, 10, 3),
    )
    text = pdf_text(documents.application_act_pdf(dossier))
    assert "Préfecture de la région Bretagne" in text
    assert "35000 Rennes" in text
    assert dossier.call.title in text
    assert "Nous certifions que toute information fournie" in text
    assert "ANNE LEFÈVRE" in text
    assert "3 octobre 2026" in text


def test_the_act_asks_for_the_delegation_when_the_signatory_is_not_the_representative():
    """A signatory who is not the legal representative: the act says the delegation is
    attached."""
    dossier = DossierFactory(sponsor_name="SGAR", signatory_is_legal_representative=False)
    text = pdf_text(documents.application_act_pdf(dossier))
    assert "la délégation est jointe" in text


def test_the_act_page_answers_a_pdf_to_the_team(client):
    """The act's address answers the team a PDF attachment with the sponsor's name, and an
    outsider a 404."""
    dossier = DossierFactory(sponsor_name="Préfecture de Bretagne")
    address = reverse("calls:act_pdf", args=[dossier.call.slug, dossier.pk])
    client.force_login(lead_of(dossier))
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Préfecture de Bretagne" in pdf_text(response.content)


def test_the_summary_has_the_forms_and_the_financing_plan():
    """The summary prints the title, the sponsor, a presentation text, the partners and the
    plan's share with a French comma."""
    dossier = DossierFactory(
        title="Réseau des instructeurs",
        sponsor_name="Préfecture de Bretagne",
        presentation={"1a": "Une politique publique de l'eau."},
    )
    add_partner(dossier, name="Conseil départemental")
    FinancingLine.objects.create(dossier=dossier, side="resource", category="pia", amount=200)
    FinancingLine.objects.create(dossier=dossier, side="resource", category="self", amount=150)
    text = pdf_text(documents.summary_pdf(dossier))
    assert "Réseau des instructeurs" in text
    assert "Préfecture de Bretagne" in text
    assert "Une politique publique de l'eau." in text
    assert "Conseil départemental" in text
    assert "57,1 %" in text


def test_the_zip_holds_every_piece_and_the_summary():
    """The export zip holds ``synthese.pdf`` and each piece's bytes, a partner's act named
    after its partner."""
    dossier = DossierFactory()
    partner = add_partner(dossier, name="Région Bretagne")
    add_piece(dossier, "synthese", name="fiche.pdf")
    add_piece(dossier, "engagement-partenaire", partner=partner, name="acte.pdf")
    archive = zipfile.ZipFile(io.BytesIO(documents.export_zip(dossier)))
    names = archive.namelist()
    assert documents.SUMMARY_NAME in names
    pieces = [name for name in names if name.startswith("pieces/")]
    assert len(pieces) == 2
    assert any("Région_Bretagne" in name and name.endswith("acte.pdf") for name in pieces)
    assert all(archive.read(name).startswith(b"%PDF") for name in pieces)
    assert dossier.title in pdf_text(archive.read(documents.SUMMARY_NAME))


def test_a_piece_gone_from_the_storage_is_left_out_of_the_zip():
    """A piece whose file was removed from the storage does not break the export."""
    dossier = DossierFactory()
    piece = add_piece(dossier, "synthese")
    piece.file.storage.delete(piece.file.name)
    names = zipfile.ZipFile(io.BytesIO(documents.export_zip(dossier))).namelist()
    assert names == [documents.SUMMARY_NAME]


def test_script_and_control_characters_do_not_break_the_pdfs():
    """Markup and control characters typed in the forms are printed as text, never
    interpreted, and the PDFs are still produced."""
    dossier = DossierFactory(title="<script>alert(1)</script>\x07", sponsor_name="A\x1bB")
    Dossier.objects.filter(pk=dossier.pk).update(summary="ligne 1\r\nligne 2")
    dossier.refresh_from_db()
    assert "<script>alert(1)</script>" in pdf_text(documents.summary_pdf(dossier))
    assert pdf_text(documents.application_act_pdf(dossier))


def test_transliteration_for_the_core_font():
    """Without a Unicode font, the characters outside Latin-1 are transliterated and the
    French accents kept."""
    assert documents._latin1("l’œuvre — 10 €") == "l'oeuvre - 10 EUR"
    assert documents._latin1("Préfète") == "Préfète"


def test_the_unicode_font_is_found_on_this_machine():
    """The machine has DejaVu Sans: the PDFs are written in a Unicode font."""
    assert documents.font_files() is not None
