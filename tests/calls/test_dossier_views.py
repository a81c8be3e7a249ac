"""The workspace of a dossier (calls.views.dossiers): who sees which page and button, each part's
form, the completeness gate before the deposit, the deposit against the clock, the frozen dossier,
the financing plan's figures, the pieces' uploads and downloads, forged ids and escaping."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.html import escape

from calls import deadlines
from calls.models import Dossier, DossierMember, FinancingLine, Piece
from calls.presentation import ITEMS
from tests.calls import samples
from tests.calls.factories import (
    CallFactory,
    DossierFactory,
    add_member,
    add_partner,
    grant,
    lead_of,
    paris,
)
from tests.factories import AgentFactory, ServiceFactory

pytestmark = pytest.mark.django_db

M = DossierMember.Role
S = Dossier.State
SCRIPT = "<script>alert('x')</script>"


def url(name, dossier, *args):
    return reverse(f"calls:{name}", args=[dossier.call.slug, dossier.pk, *args])


def add_piece(dossier, code, partner=None, signature="", name="piece.pdf"):
    """A stored PDF piece of the kind ``code``."""
    kind = dossier.call.piece_kinds.get(code=code)
    piece = Piece(
        dossier=dossier,
        kind=kind,
        partner=partner,
        name=name,
        content_type="application/pdf",
        size=len(samples.pdf()),
        pages=1,
        signature=signature or ("rgs2" if kind.signed else ""),
    )
    piece.file.save(name, ContentFile(samples.pdf()), save=False)
    piece.save()
    return piece


def ready_dossier(partners=3, acts=None):
    """A draft that passes every pre-check, with ``partners`` partners and the commitment acts
    of the first ``acts`` of them (all by default), every other mandatory piece and field."""
    dossier = DossierFactory()
    add_member(dossier, role=M.SPONSOR)
    add_member(dossier, AgentFactory(service=ServiceFactory()), role=M.TEAM)
    Dossier.objects.filter(pk=dossier.pk).update(
        sponsor_name="Préfecture de la région Bretagne",
        sponsor_address="3 avenue de la Préfecture, 35000 Rennes",
        sponsor_phone="02 99 02 10 35",
        sponsor_email="prefecture@bretagne.gouv.fr",
        sponsor_legal_status="Service de l'État",
        contact_name="Camille Martin",
        contact_function="Cheffe de projet",
        contact_email="camille.martin@dreal.gouv.fr",
        summary="Un réseau des instructeurs.",
        main_theme=dossier.call.themes.first(),
        presentation=dict.fromkeys(ITEMS, "Texte de la rubrique."),
        free_software=True,
        support_needs="Un accompagnement en conduite du changement.",
        signatory_name="Anne Préfète",
        signatory_title="Préfète de région",
        signed_on=date(2026, 10, 1),
    )
    dossier.refresh_from_db()
    FinancingLine.objects.create(dossier=dossier, side="resource", category="pia", amount=200)
    FinancingLine.objects.create(dossier=dossier, side="resource", category="self", amount=200)
    FinancingLine.objects.create(
        dossier=dossier, side="cost", category="moa_internal", amount=400, eligible="staff"
    )
    for code in ("synthese", "presentation", "communication", "acte-candidature"):
        add_piece(dossier, code)
    made = [add_partner(dossier, name=f"Partenaire {n}") for n in range(1, partners + 1)]
    for partner in made[: partners if acts is None else acts]:
        add_piece(dossier, "engagement-partenaire", partner=partner)
    return dossier


def login(client, agent):
    client.force_login(agent)
    return client


# --- who sees what --------------------------------------------------------------------------


def test_every_part_answers_the_team_with_the_side_menu(client):
    """Each page of the workspace answers the lead with the side menu of the parts, each with
    its status, and the state's badge."""
    dossier = DossierFactory()
    login(client, lead_of(dossier))
    for name in (
        "dossier",
        "sponsor",
        "synthesis",
        "presentation",
        "team",
        "partners",
        "financing",
        "act",
        "pieces",
    ):
        response = client.get(url(name, dossier))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert 'data-testid="dossier-menu"' in html
        assert "à compléter" in html
        assert "Brouillon" in html


def test_outsiders_get_404_and_readers_get_read_only_forms(client):
    """An agent outside the dossier gets 404 on every page; a manager reads the parts without a
    save button; the team sees it."""
    dossier = DossierFactory()
    login(client, AgentFactory())
    assert client.get(url("dossier", dossier)).status_code == 404
    assert client.get(url("sponsor", dossier)).status_code == 404
    assert client.get(url("export", dossier)).status_code == 404
    manager = grant(dossier.call, "manager")
    login(client, manager)
    html = client.get(url("sponsor", dossier)).content.decode()
    assert 'data-testid="save"' not in html
    assert "disabled" in html
    login(client, lead_of(dossier))
    assert 'data-testid="save"' in client.get(url("sponsor", dossier)).content.decode()


def test_the_team_member_sees_no_deposit_button_nor_team_form(client):
    """A team member (not sponsor nor lead) of a ready dossier sees no « Déposer » button and
    no form to add members; the lead sees both."""
    dossier = ready_dossier()
    member = add_member(dossier)
    login(client, member)
    html = client.get(url("dossier", dossier)).content.decode()
    assert 'data-testid="deposit-button"' not in html
    assert 'data-testid="member-form"' not in client.get(url("team", dossier)).content.decode()
    login(client, lead_of(dossier))
    assert 'data-testid="deposit-button"' in client.get(url("dossier", dossier)).content.decode()
    assert 'data-testid="member-form"' in client.get(url("team", dossier)).content.decode()


# --- the gate and the deposit ---------------------------------------------------------------


def test_three_partners_gate_shows_deposit_only_with_the_third_act(client):
    """With three partners and two commitment acts, the overview lists the missing act and says
    « Le dépôt sera possible quand… » with no « Déposer » button; once the third act is
    uploaded through the page, the button appears."""
    dossier = ready_dossier(partners=3, acts=2)
    third = dossier.partners.get(name="Partenaire 3")
    login(client, lead_of(dossier))
    html = client.get(url("dossier", dossier)).content.decode()
    assert 'data-testid="deposit-button"' not in html
    assert "Le dépôt sera possible quand" in html
    assert "Partenaire 3" in html
    assert url("partners", dossier) + f"#partner-{third.pk}" in html
    kind = dossier.call.piece_kinds.get(code="engagement-partenaire")
    response = client.post(
        url("pieces", dossier),
        {
            "kind": kind.pk,
            "partner": third.pk,
            "signature": "rgs2",
            "file": samples.upload("engagement.pdf", samples.pdf()),
            "next": url("partners", dossier),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("partners", dossier)
    html = client.get(url("dossier", dossier)).content.decode()
    assert 'data-testid="deposit-button"' in html
    assert "Le dépôt sera possible quand" not in html


def _close_at(dossier, when):
    wave = dossier.wave
    wave.deadline = when
    wave.save(update_fields=["deadline"])


def test_deposit_at_17_00_01_is_refused_with_the_message(client):
    """A deposit at 17:00:01 Paris time on the closing day is refused with the deadline's
    message, and the dossier stays a draft."""
    dossier = ready_dossier()
    tomorrow = date.today() + timedelta(days=1)
    deadline = paris(tomorrow.year, tomorrow.month, tomorrow.day)
    _close_at(dossier, deadline)
    with time_machine.travel(paris(tomorrow.year, tomorrow.month, tomorrow.day, 17, 0, 1)):
        login(client, lead_of(dossier))
        response = client.post(url("deposit", dossier), follow=True)
    dossier.refresh_from_db()
    assert dossier.state == S.DRAFT
    assert escape(deadlines.refusal_message(dossier.wave)) in response.content.decode()


def test_deposit_at_16_59_is_accepted_and_the_dossier_frozen(client):
    """A deposit at 16:59 is accepted: the dossier is deposited, its forms are read-only and a
    POST to a part is refused with a French message, nothing changed."""
    dossier = ready_dossier()
    tomorrow = date.today() + timedelta(days=1)
    _close_at(dossier, paris(tomorrow.year, tomorrow.month, tomorrow.day))
    lead = lead_of(dossier)
    with time_machine.travel(paris(tomorrow.year, tomorrow.month, tomorrow.day, 16, 59)):
        login(client, lead)
        response = client.post(url("deposit", dossier), follow=True)
        assert "Le dossier est déposé" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == S.DEPOSITED
    login(client, lead)
    html = client.get(url("sponsor", dossier)).content.decode()
    assert 'data-testid="save"' not in html
    assert 'data-testid="frozen-notice"' in html
    response = client.post(url("sponsor", dossier), {"sponsor_name": "Autre"})
    assert response.status_code == 403
    assert escape("Le dossier est déposé : il ne peut plus être modifié.") in (
        response.content.decode()
    )
    dossier.refresh_from_db()
    assert dossier.sponsor_name == "Préfecture de la région Bretagne"
    response = client.post(url("synthesis", dossier), {"title": "Autre titre"})
    assert response.status_code == 403
    assert "fr-alert--error" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.title != "Autre titre"
    response = client.post(
        url("financing", dossier), {"res-pia-amount": "1", "cost-other-amount": "1"}
    )
    assert response.status_code == 403
    assert dossier.financing.count() == 3


def test_withdraw_needs_a_reason_and_leaves_an_event(client):
    """The lead withdraws with a reason (without one: a French message); the audit trail
    shows the withdrawal with its comment."""
    dossier = DossierFactory()
    login(client, lead_of(dossier))
    response = client.post(url("withdraw", dossier), {"reason": ""}, follow=True)
    assert "Indiquez le motif du retrait." in response.content.decode()
    response = client.post(url("withdraw", dossier), {"reason": "Projet abandonné"}, follow=True)
    dossier.refresh_from_db()
    assert dossier.state == S.WITHDRAWN
    html = response.content.decode()
    assert "Dossier retiré" in html and "Projet abandonné" in html


# --- the parts' forms -----------------------------------------------------------------------


def test_sponsor_form_saves_and_validates_the_email(client):
    """The sponsor form saves its fields; a malformed e-mail is a French error, nothing
    saved."""
    dossier = DossierFactory()
    login(client, lead_of(dossier))
    data = {"sponsor_name": "Préfecture", "sponsor_email": "pas-une-adresse"}
    response = client.post(url("sponsor", dossier), data)
    assert response.status_code == 400
    assert "Saisissez une adresse" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.sponsor_name == ""
    data["sponsor_email"] = "prefecture@bretagne.gouv.fr"
    response = client.post(url("sponsor", dossier), data)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.sponsor_email == "prefecture@bretagne.gouv.fr"


def test_synthesis_requires_main_theme_and_a_different_secondary(client):
    """The synthesis needs a main theme, and a secondary theme equal to it is refused."""
    dossier = DossierFactory()
    theme = dossier.call.themes.first()
    login(client, lead_of(dossier))
    base = {
        "title": "Réseau",
        "acronym": "RES",
        "region": dossier.region_id,
        "operational_service": dossier.operational_service_id,
        "community_kind": dossier.community_kind,
    }
    response = client.post(url("synthesis", dossier), base)
    assert response.status_code == 400
    response = client.post(
        url("synthesis", dossier), {**base, "main_theme": theme.pk, "secondary_theme": theme.pk}
    )
    assert response.status_code == 400
    assert "La thématique secondaire doit différer de la principale." in (
        response.content.decode().replace("&#x27;", "'")
    )
    response = client.post(url("synthesis", dossier), {**base, "main_theme": theme.pk})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.main_theme == theme


def test_a_theme_of_another_call_is_refused(client):
    """A theme id of another call is not a choice of the synthesis form."""
    dossier = DossierFactory()
    other = CallFactory().themes.first()
    login(client, lead_of(dossier))
    response = client.post(
        url("synthesis", dossier),
        {
            "title": "Réseau",
            "acronym": "RES",
            "main_theme": other.pk,
            "region": dossier.region_id,
            "community_kind": dossier.community_kind,
        },
    )
    assert response.status_code == 400
    dossier.refresh_from_db()
    assert dossier.main_theme_id is None


def test_presentation_saves_items_and_shows_missing_and_estimate(client):
    """The presentation saves each item's text and the support needs, lists the empty mandatory
    items and warns over 20 pages."""
    dossier = DossierFactory()
    login(client, lead_of(dossier))
    html = client.get(url("presentation", dossier)).content.decode()
    assert 'data-testid="missing-items"' in html
    assert 'data-testid="page-warning"' not in html
    data = {f"item_{code}": "x" * 3500 for code in ITEMS}
    data.update(free_software="yes", support_needs="Un accompagnement.")
    response = client.post(url("presentation", dossier), data)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.free_software is True
    assert len(dossier.presentation) == len(ITEMS)
    html = client.get(url("presentation", dossier)).content.decode()
    assert 'data-testid="missing-items"' not in html
    assert 'data-testid="page-warning"' in html
    response = client.post(url("presentation", dossier), {"free_software": "yes"})
    assert response.status_code == 400
    assert "Décrivez l" in response.content.decode()


def test_team_add_by_email_and_remove(client):
    """The lead adds an agent by e-mail as a team member, an unknown address is a French error,
    and removes the member."""
    dossier = DossierFactory()
    agent = AgentFactory()
    login(client, lead_of(dossier))
    response = client.post(url("team", dossier), {"email": "personne@nulle.part", "role": "team"})
    assert response.status_code == 400
    assert "Aucun agent n" in response.content.decode()
    response = client.post(url("team", dossier), {"email": agent.email.upper(), "role": "team"})
    assert response.status_code == 302
    member = dossier.members.get(agent=agent)
    response = client.post(url("member_remove", dossier, member.pk))
    assert response.status_code == 302
    assert not dossier.members.filter(agent=agent).exists()


def test_partner_add_edit_delete(client):
    """A partner is added, changed and deleted through its pages."""
    dossier = DossierFactory()
    login(client, lead_of(dossier))
    data = {"name": "Conseil régional", "nature": "local", "contribution_amount": "10"}
    response = client.post(url("partners", dossier), data)
    assert response.status_code == 302
    partner = dossier.partners.get()
    response = client.post(url("partner", dossier, partner.pk), {**data, "name": "CR Bretagne"})
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.name == "CR Bretagne"
    response = client.post(url("partners", dossier), {"name": "", "nature": "local"})
    assert response.status_code == 400
    client.post(url("partner_delete", dossier, partner.pk))
    assert not dossier.partners.exists()


def test_act_form_and_the_delegation_it_makes_mandatory(client):
    """The application act saves the signatory; « n'est pas le représentant légal » puts the
    delegation among the missing pieces of the overview."""
    dossier = DossierFactory()
    login(client, lead_of(dossier))
    response = client.post(
        url("act", dossier),
        {
            "signatory_name": "Anne",
            "signatory_title": "Secrétaire générale",
            "signed_on": "2026-10-01",
            "not_legal_representative": "on",
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.signatory_is_legal_representative is False
    html = client.get(url("dossier", dossier)).content.decode()
    assert "Délégation de signature" in html
    assert 'data-testid="act-pdf"' in client.get(url("act", dossier)).content.decode()


# --- financing ------------------------------------------------------------------------------


def test_financing_share_and_derogation_prompt(client):
    """200 k€ asked out of 350 k€ shows « 57,1 % » and the derogation's justification prompt;
    the justification saved turns the issue into a warning."""
    dossier = DossierFactory()
    login(client, lead_of(dossier))
    data = {
        "res-pia-amount": "200",
        "res-self-amount": "150",
        "cost-moa_internal-amount": "350",
        "cost-moa_internal-eligible": "staff",
    }
    response = client.post(url("financing", dossier), data, follow=True)
    html = response.content.decode()
    assert "57,1 %" in html
    assert 'data-testid="derogation"' in html
    assert 'data-testid="issue-blocking"' in html
    data["derogation_justification"] = "Le projet ne trouve pas d'autre financeur."
    html = client.post(url("financing", dossier), data, follow=True).content.decode()
    assert 'data-testid="issue-warning"' in html
    assert 'data-testid="issue-blocking"' not in html


def test_financing_260_asked_is_blocked(client):
    """260 k€ asked passes the call's 250 k€ cap: a blocking issue on the page and the
    overview."""
    dossier = DossierFactory()
    login(client, lead_of(dossier))
    data = {
        "res-pia-amount": "260",
        "res-self-amount": "240",
        "cost-moa_internal-amount": "500",
        "cost-moa_internal-eligible": "staff",
    }
    html = client.post(url("financing", dossier), data, follow=True).content.decode()
    assert "dépasse le plafond" in html
    assert 'data-testid="issue-blocking"' in html
    assert 'data-testid="plan-blocking"' in client.get(url("dossier", dossier)).content.decode()


def test_financing_bad_amount_is_a_french_error_and_keeps_the_plan(client):
    """A malformed amount is a French error and the stored plan is kept."""
    dossier = DossierFactory()
    FinancingLine.objects.create(dossier=dossier, side="resource", category="pia", amount=100)
    login(client, lead_of(dossier))
    response = client.post(url("financing", dossier), {"res-pia-amount": "beaucoup"})
    assert response.status_code == 400
    assert "Saisissez un montant positif" in response.content.decode()
    assert dossier.financing.get().amount == Decimal("100")


# --- pieces ---------------------------------------------------------------------------------


def test_oversized_and_wrong_type_uploads_give_french_messages(client, settings):
    """A file over the dossier's limit and a file whose content is not what its name says are
    refused with French messages; the pieces already saved stay."""
    dossier = DossierFactory()
    saved = add_piece(dossier, "synthese")
    dossier.call.max_dossier_bytes = 2000
    dossier.call.save(update_fields=["max_dossier_bytes"])
    kind = dossier.call.piece_kinds.get(code="presentation")
    login(client, lead_of(dossier))
    response = client.post(
        url("pieces", dossier),
        {"kind": kind.pk, "file": samples.upload("gros.pdf", samples.sized(5000))},
        follow=True,
    )
    assert "dépasseraient" in response.content.decode()
    response = client.post(
        url("pieces", dossier),
        {"kind": kind.pk, "file": samples.upload("faux.pdf", b"MZ not a pdf at all")},
        follow=True,
    )
    html = response.content.decode()
    assert "fr-alert--error" in html
    assert dossier.pieces.count() == 1
    assert dossier.pieces.get() == saved


def test_upload_download_and_delete_a_piece(client):
    """An uploaded piece is listed, downloaded as an attachment and deleted."""
    dossier = DossierFactory()
    kind = dossier.call.piece_kinds.get(code="synthese")
    login(client, lead_of(dossier))
    client.post(
        url("pieces", dossier), {"kind": kind.pk, "file": samples.upload("s.pdf", samples.pdf())}
    )
    piece = dossier.pieces.get()
    response = client.get(url("piece", dossier, piece.pk))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.post(url("piece_delete", dossier, piece.pk))
    assert not dossier.pieces.exists()


def test_originals_of_a_scanned_signature_for_managers(client):
    """After the deposit a manager sees the scanned signature's originals due and records
    their reception."""
    dossier = ready_dossier()
    piece = dossier.pieces.get(kind__code="acte-candidature")
    Piece.objects.filter(pk=piece.pk).update(signature="scanned")
    Dossier.objects.filter(pk=dossier.pk).update(state=S.DEPOSITED)
    manager = grant(dossier.call, "manager")
    login(client, manager)
    html = client.get(url("pieces", dossier)).content.decode()
    assert 'data-testid="originals-due"' in html
    response = client.post(url("originals", dossier, piece.pk), {f"p{piece.pk}-day": "2026-12-01"})
    assert response.status_code == 302
    piece.refresh_from_db()
    assert piece.originals_received_on == date(2026, 12, 1)


# --- forged ids and escaping ----------------------------------------------------------------


def test_forged_ids_of_another_dossier_are_404(client):
    """A piece, partner or member id of another dossier, or a kind of another call, is a 404."""
    dossier = DossierFactory()
    other = DossierFactory(call=dossier.call)
    piece = add_piece(other, "synthese")
    partner = add_partner(other)
    member = add_member(other)
    member_row = other.members.get(agent=member)
    login(client, lead_of(dossier))
    assert client.get(url("piece", dossier, piece.pk)).status_code == 404
    assert client.post(url("piece_delete", dossier, piece.pk)).status_code == 404
    assert client.post(url("originals", dossier, piece.pk)).status_code == 404
    assert client.get(url("partner", dossier, partner.pk)).status_code == 404
    assert client.post(url("partner_delete", dossier, partner.pk)).status_code == 404
    assert client.post(url("member_remove", dossier, member_row.pk)).status_code == 404
    kind = dossier.call.piece_kinds.get(code="engagement-partenaire")
    response = client.post(
        url("pieces", dossier),
        {
            "kind": kind.pk,
            "partner": partner.pk,
            "signature": "rgs2",
            "file": samples.upload("e.pdf", samples.pdf()),
        },
    )
    assert response.status_code == 404
    foreign_kind = CallFactory().piece_kinds.first()
    response = client.post(
        url("pieces", dossier),
        {"kind": foreign_kind.pk, "file": samples.upload("e.pdf", samples.pdf())},
    )
    assert response.status_code == 404
    assert Piece.objects.filter(dossier=dossier).count() == 0
    assert partner.pieces.count() == 0


def test_script_in_text_fields_is_escaped(client):
    """Script typed in the dossier's, a partner's and the audit trail's texts is shown escaped
    on every page."""
    dossier = ready_dossier(partners=1)
    Dossier.objects.filter(pk=dossier.pk).update(
        title=SCRIPT,
        sponsor_name=SCRIPT,
        summary=SCRIPT,
        presentation={"1a": SCRIPT},
        support_needs=SCRIPT,
        signatory_name=SCRIPT,
    )
    dossier.partners.update(name=SCRIPT, role=SCRIPT, justification=SCRIPT)
    FinancingLine.objects.filter(dossier=dossier).update(label=SCRIPT)
    login(client, lead_of(dossier))
    client.post(url("withdraw", dossier), {"reason": SCRIPT})
    for name in (
        "dossier",
        "sponsor",
        "synthesis",
        "presentation",
        "partners",
        "financing",
        "act",
        "pieces",
        "team",
    ):
        html = client.get(url(name, dossier)).content.decode()
        assert SCRIPT not in html, name
    html = client.get(url("dossier", dossier)).content.decode()
    assert escape(SCRIPT) in html


def test_export_holds_the_pieces_and_the_summary(client):
    """The export is a zip with ``synthese.pdf`` and every piece, for the team; 404 for an
    expert who is no manager."""
    import io
    import zipfile

    dossier = ready_dossier(partners=1)
    login(client, lead_of(dossier))
    response = client.get(url("export", dossier))
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "synthese.pdf" in names
    assert len([n for n in names if n.startswith("pieces/")]) == dossier.pieces.count() == 5


def test_several_lines_of_a_category_show_as_one_row(client):
    """Two stored lines of one cost category show as one row with their sum, and the
    « logiciel libre » box of the software row is checked when both are free."""
    dossier = DossierFactory()
    for amount in (10, 5):
        FinancingLine.objects.create(
            dossier=dossier,
            side="cost",
            category="software",
            amount=amount,
            eligible="investment",
            free_software=True,
        )
    login(client, lead_of(dossier))
    html = client.get(url("financing", dossier)).content.decode()
    assert 'name="cost-software-amount" id="cost-software-amount" value="15,00"' in html
    assert 'name="cost-software-free_software" id="cost-software-free_software" checked' in html


def test_an_expert_reads_nothing_before_the_deposit(client):
    """An expert of the call (not assigned, dossier not deposited) gets 404; a partner's
    representative sees only the commitment act's upload on the pieces page."""
    dossier = DossierFactory()
    expert = grant(dossier.call, "expert")
    login(client, expert)
    assert client.get(url("dossier", dossier)).status_code == 404
    representative = add_member(dossier, role=M.PARTNER)
    login(client, representative)
    html = client.get(url("pieces", dossier)).content.decode()
    assert 'data-testid="upload-engagement-partenaire"' in html
    assert 'data-testid="upload-synthese"' not in html
    assert (
        'data-testid="deposit-button"' not in client.get(url("dossier", dossier)).content.decode()
    )


def test_a_call_deposited_elsewhere_points_the_team_to_the_export(client):
    """§7.2: when the legal deposit happens on another site, the overview gives its address and
    the complete export; on a call deposited here, it says nothing of it."""
    dossier = DossierFactory()
    lead = lead_of(dossier)
    url = reverse("calls:dossier", args=[dossier.call.slug, dossier.pk])
    page = login(client, lead).get(url).content.decode()
    assert 'data-testid="deposit-elsewhere"' not in page
    dossier.call.deposit = "elsewhere"
    dossier.call.deposit_url = "https://marches.example.gouv.fr/appel"
    dossier.call.save()
    page = client.get(url).content.decode()
    assert 'data-testid="deposit-elsewhere"' in page
    assert "https://marches.example.gouv.fr/appel" in page
    assert reverse("calls:export", args=[dossier.call.slug, dossier.pk]) in page
