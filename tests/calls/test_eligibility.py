"""The eligibility pre-check (R37) and the completeness gate of a dossier (R38, R43, R44)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from calls.eligibility import can_deposit, completeness, precheck, team_ministries
from calls.models import DossierMember, FinancingLine, Partner, Piece
from calls.presentation import ITEMS
from directory.models import Ministry, ServiceKind
from tests.calls.factories import DossierFactory, add_member, add_partner
from tests.factories import AgentFactory, ServiceFactory

pytestmark = pytest.mark.django_db

RESOURCE = FinancingLine.Side.RESOURCE
COST = FinancingLine.Side.COST


def upload(dossier, code, partner=None):
    """A small PDF for the call's piece kind ``code`` (for ``partner`` if given)."""
    kind = dossier.call.piece_kinds.get(code=code)
    content = b"%PDF-1.4 piece"
    return Piece.objects.create(
        dossier=dossier,
        kind=kind,
        partner=partner,
        file=SimpleUploadedFile(f"{code}.pdf", content, content_type="application/pdf"),
        name=f"{code}.pdf",
        content_type="application/pdf",
        size=len(content),
    )


def finance(dossier, pia="200", total="400"):
    pia, total = Decimal(pia), Decimal(total)
    FinancingLine.objects.create(dossier=dossier, side=RESOURCE, category="pia", amount=pia)
    FinancingLine.objects.create(
        dossier=dossier, side=RESOURCE, category="self", amount=total - pia
    )
    FinancingLine.objects.create(
        dossier=dossier,
        side=COST,
        category="moe_internal",
        amount=total,
        eligible=FinancingLine.Eligible.STAFF,
    )


def ready(**fields):
    """A dossier that may be deposited: led by a DREAL with a DDTM in the team, its préfet
    sponsoring, every field filled, a balanced plan at 50 %, and every mandatory piece."""
    dossier = DossierFactory(
        sponsor_name="Préfet de la région Bretagne",
        sponsor_address="3 avenue de la Préfecture, 35000 Rennes",
        sponsor_phone="02 99 02 10 35",
        sponsor_email="sgar@bretagne.gouv.fr",
        sponsor_legal_status="Service déconcentré de l'État",
        contact_name="Anne Le Goff",
        contact_function="Cheffe de projet",
        contact_email="anne.le-goff@developpement-durable.gouv.fr",
        summary="Un réseau des instructeurs des aides aux communes.",
        signatory_name="Le préfet de région",
        signatory_title="Préfet de la région Bretagne",
        signed_on=date(2026, 12, 1),
        presentation={code: f"Rubrique {code} rédigée." for code in ITEMS},
        free_software=True,
        support_needs="Un appui à la conduite du changement.",
        **fields,
    )
    dossier.main_theme = dossier.call.themes.first()
    dossier.save()
    add_member(dossier, role=DossierMember.Role.SPONSOR)
    add_member(dossier, AgentFactory(), role=DossierMember.Role.TEAM)  # a DDTM agent
    finance(dossier)
    for code in ("synthese", "presentation", "communication", "acte-candidature"):
        upload(dossier, code)
    return dossier


def failed(dossier):
    return [check.code for check in precheck(dossier) if not check.ok]


def test_a_ready_dossier_passes_everything():
    """Every check passes, nothing is missing and the deposit is allowed, with no reason."""
    dossier = ready()
    assert failed(dossier) == []
    assert completeness(dossier) == []
    assert can_deposit(dossier) == (True, [])


def test_an_ars_as_operational_sponsor_fails_e11():
    """An ARS is outside the territorial administration: E11 fails and the deposit is blocked."""
    ars = ServiceFactory(
        kind=ServiceKind.objects.get(code="ARS"),
        department=None,
        ministry=Ministry.objects.get(code="affaires-sociales"),
        short_name="ARS Bretagne",
    )
    dossier = ready(operational_service=ars)
    assert failed(dossier) == ["E11"]
    check = next(check for check in precheck(dossier) if check.code == "E11")
    assert "ARS Bretagne" in check.detail
    allowed, reasons = can_deposit(dossier)
    assert not allowed
    assert len(reasons) == 1 and "SGAR" in reasons[0]


def test_a_ddi_or_a_sgar_may_be_operational_sponsor():
    """A departmental interministerial direction or a SGAR passes E11."""
    ddtm = ServiceFactory()
    sgar = ServiceFactory(
        kind=ServiceKind.objects.get(code="SGAR"),
        department=None,
        ministry=Ministry.objects.get(code="premier-ministre"),
    )
    for service in (ddtm, sgar):
        assert "E11" not in failed(ready(operational_service=service))


def test_requested_260_fails_the_cap():
    """Asking 260 k€ fails E6 and the deposit, even with the derogation justified."""
    dossier = ready(derogation_justification="Trois départements concernés.")
    dossier.financing.filter(category="pia").update(amount=Decimal("260"))
    dossier.financing.filter(category="self").update(amount=Decimal("140"))
    assert failed(dossier) == ["E6"]
    check = next(check for check in precheck(dossier) if check.code == "E6")
    assert "260 k€" in check.detail
    allowed, reasons = can_deposit(dossier)
    assert not allowed
    assert reasons == [f"{check.label} : {check.detail}"]


def test_a_financing_plan_issue_blocks_the_deposit():
    """An unbalanced plan is within the caps but still blocks the deposit."""
    dossier = ready()
    FinancingLine.objects.create(
        dossier=dossier,
        side=COST,
        category="servers",
        amount=Decimal("100"),
        eligible=FinancingLine.Eligible.INVESTMENT,
    )
    allowed, reasons = can_deposit(dossier)
    assert not allowed
    assert len(reasons) == 1 and "doivent être égaux" in reasons[0]


def test_three_partners_need_three_commitment_acts():
    """With 3 partners, a missing third commitment act blocks; uploading it unblocks."""
    dossier = ready()
    partners = [add_partner(dossier, name=f"Commune {n}") for n in range(3)]
    for partner in partners[:2]:
        upload(dossier, "engagement-partenaire", partner)
    missing = completeness(dossier)
    assert [(item.kind.code, item.partner) for item in missing] == [
        ("engagement-partenaire", partners[2])
    ]
    allowed, reasons = can_deposit(dossier)
    assert not allowed
    assert reasons == ["Pièce manquante : Acte d'engagement du partenaire : Commune 2"]
    upload(dossier, "engagement-partenaire", partners[2])
    assert completeness(dossier) == []
    assert can_deposit(dossier) == (True, [])


def test_one_act_does_not_serve_two_partners():
    """Two acts uploaded for the same partner leave the other partner's act missing."""
    dossier = ready()
    first, second = add_partner(dossier, name="A"), add_partner(dossier, name="B")
    upload(dossier, "engagement-partenaire", first)
    upload(dossier, "engagement-partenaire", first)
    assert [item.partner for item in completeness(dossier)] == [second]


def test_not_the_legal_representative_makes_the_delegation_mandatory():
    """Ticking « not the legal representative » requires the delegation of signature."""
    dossier = ready(signatory_is_legal_representative=False)
    missing = completeness(dossier)
    assert [item.kind.code for item in missing] == ["delegation"]
    assert can_deposit(dossier)[1] == ["Pièce manquante : Délégation de signature"]
    upload(dossier, "delegation")
    assert can_deposit(dossier) == (True, [])


def test_optional_pieces_are_never_missing():
    """The delegation (when the signatory is the legal representative), co-financers'
    certificates and annexes are optional."""
    dossier = ready()
    assert dossier.signatory_is_legal_representative
    dossier.pieces.filter(kind__code="synthese").delete()
    assert [item.kind.code for item in completeness(dossier)] == ["synthese"]


def test_empty_form_fields_are_missing():
    """The sponsor form, the synthesis and the application act's fields must be filled."""
    dossier = ready()
    dossier.sponsor_phone = "   "
    dossier.main_theme = None
    dossier.signed_on = None
    dossier.save()
    missing = completeness(dossier)
    assert [(item.kind, item.field) for item in missing] == [
        (None, "sponsor_phone"),
        (None, "main_theme"),
        (None, "signed_on"),
    ]
    assert missing[0].label == "Porteur de projet : téléphone"
    assert "Champ à remplir : Porteur de projet : téléphone" in can_deposit(dossier)[1]


def test_without_a_prefect_sponsor_e9_fails():
    """The préfet de région must be the dossier's sponsor (E9)."""
    dossier = ready()
    dossier.members.filter(role=DossierMember.Role.SPONSOR).delete()
    assert failed(dossier) == ["E9"]


def test_a_single_ministry_fails_e10():
    """A DREAL team alone is one ministry; a DDTM member makes two (a DDI counts as one)."""
    dossier = DossierFactory()
    assert set(team_ministries(dossier)) == {"ecologie"}
    assert "E10" in failed(dossier)
    add_member(dossier, AgentFactory(), role=DossierMember.Role.TEAM)
    assert set(team_ministries(dossier)) == {"ecologie", Ministry.INTERMINISTERIAL}
    assert "E10" not in failed(dossier)


def test_a_partner_of_another_ministry_counts():
    """A partner's ministry counts for the interministerial check; a sponsor's service does
    not."""
    dossier = DossierFactory()
    add_member(
        dossier,
        AgentFactory(service=ServiceFactory(ministry=Ministry.objects.get(code="interieur"))),
        role=DossierMember.Role.SPONSOR,
    )
    assert "E10" in failed(dossier)
    add_partner(
        dossier,
        name="DRAAF Bretagne",
        nature=Partner.Nature.STATE_ATE,
        ministry=Ministry.objects.get(code="agriculture"),
    )
    assert set(team_ministries(dossier)) == {"ecologie", "agriculture"}
    assert "E10" not in failed(dossier)


def test_a_partner_outside_the_ate_needs_a_justification():
    """A company partner without justification fails E15; a State ATE partner needs none."""
    dossier = ready()
    add_partner(dossier, name="DDPP", nature=Partner.Nature.STATE_ATE, justification="")
    assert failed(dossier) == []
    add_partner(dossier, name="Start-up", nature=Partner.Nature.COMPANY, justification=" ")
    assert failed(dossier) == ["E15"]
    check = next(check for check in precheck(dossier) if check.code == "E15")
    assert "Start-up" in check.detail


def test_declarative_items_are_checked():
    """Scale-up section, free-software answer, main theme and support needs are each checked."""
    dossier = ready()
    dossier.presentation["4b"] = ""
    dossier.free_software = None
    dossier.main_theme = None
    dossier.support_needs = "\n"
    dossier.save()
    assert failed(dossier) == ["E8", "free_software", "E16", "support_needs"]


def test_a_theme_of_another_call_does_not_count():
    """The main theme must be one of the dossier's call."""
    dossier = ready()
    dossier.main_theme = DossierFactory().call.themes.first()
    dossier.save()
    assert failed(dossier) == ["E16"]
