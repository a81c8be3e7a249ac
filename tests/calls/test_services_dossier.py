"""The services that prepare and deposit a dossier (``calls.services``): a draft on the open
wave, its parts, its team and partners, its pieces, the deposit decided by the platform's clock
in Europe/Paris and the completeness gate, the frozen dossier after it."""

import os
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from calls import services
from calls.models import CallRole, Dossier, DossierEvent, DossierMember, Piece
from calls.services import CallError
from directory.models import Region
from maillage.http import Refused
from tests.calls import samples
from tests.calls.factories import (
    CallFactory,
    DossierFactory,
    add_member,
    add_partner,
    complete,
    grant,
    lead_of,
)
from tests.factories import AgentFactory, ExternalAgentFactory, ServiceFactory

pytestmark = pytest.mark.django_db

S = Dossier.State


def kind(dossier, code):
    return dossier.call.piece_kinds.get(code=code)


# --- a new dossier ------------------------------------------------------------------------------


def test_an_agent_starts_a_dossier_on_the_open_wave():
    """The creator is the operational lead; the dossier is a draft of the first open wave."""
    call = CallFactory()
    agent = AgentFactory(service=ServiceFactory(regional=True))
    dossier = services.dossier_create(
        actor=agent, call=call, title="Réseau ADS", region=Region.objects.get(code="53")
    )
    assert dossier.state == S.DRAFT
    assert dossier.wave.number == 1
    assert dossier.operational_service == agent.service
    assert dossier.members.get().role == DossierMember.Role.LEAD
    assert DossierEvent.objects.filter(dossier=dossier, action="dossier_created").exists()


def test_no_dossier_once_every_wave_closed():
    """After the last closing, « Cet appel n'accepte pas de nouveau dossier. »"""
    call = CallFactory()
    call.waves.update(deadline=timezone.now() - timezone.timedelta(seconds=1))
    with pytest.raises(CallError, match="n'accepte pas"):
        services.dossier_create(
            actor=AgentFactory(), call=call, title="Trop tard", region=Region.objects.first()
        )


def test_an_external_partner_cannot_start_a_dossier():
    """External partners take part in dossiers, they do not start them."""
    call = CallFactory()
    with pytest.raises(CallError):
        services.dossier_create(
            actor=ExternalAgentFactory(), call=call, title="X", region=Region.objects.first()
        )


# --- the parts ----------------------------------------------------------------------------------


def test_a_part_writes_only_its_fields():
    """The sponsor form writes its fields; a field of another part is refused."""
    dossier = DossierFactory()
    lead = lead_of(dossier)
    services.dossier_update(
        actor=lead, dossier=dossier, part="sponsor", sponsor_name="  Préfecture de Bretagne "
    )
    dossier.refresh_from_db()
    assert dossier.sponsor_name == "Préfecture de Bretagne"
    with pytest.raises(CallError, match="ne font pas partie"):
        services.dossier_update(actor=lead, dossier=dossier, part="sponsor", title="Autre")


def test_a_bad_email_is_refused_in_french_and_nothing_is_lost():
    """R39: the e-mail format is checked; what was saved stays."""
    dossier = DossierFactory(sponsor_name="Préfecture")
    with pytest.raises(CallError, match="adresse de courriel valide"):
        services.dossier_update(
            actor=lead_of(dossier), dossier=dossier, part="sponsor", sponsor_email="pas-un-mail"
        )
    dossier.refresh_from_db()
    assert dossier.sponsor_name == "Préfecture"
    assert dossier.sponsor_email == ""


def test_a_theme_of_another_call_is_refused():
    """The themes are the call's own; the secondary differs from the main one."""
    dossier = DossierFactory()
    lead = lead_of(dossier)
    other = CallFactory().themes.first()
    with pytest.raises(CallError, match="n'est pas celle de l'appel"):
        services.dossier_update(actor=lead, dossier=dossier, part="synthesis", main_theme=other)
    theme = dossier.call.themes.first()
    with pytest.raises(CallError, match="doit différer"):
        services.dossier_update(
            actor=lead, dossier=dossier, part="synthesis", main_theme=theme, secondary_theme=theme
        )


def test_a_stranger_cannot_write_a_dossier():
    dossier = DossierFactory()
    with pytest.raises(CallError):
        services.dossier_update(
            actor=AgentFactory(), dossier=dossier, part="sponsor", sponsor_name="Intrus"
        )


# --- the team and the partners ------------------------------------------------------------------


def test_the_lead_composes_the_team_but_a_team_member_does_not():
    """The lead adds the préfet sponsor (only one) and team members; a team member cannot."""
    dossier = DossierFactory()
    lead = lead_of(dossier)
    member = services.member_add(
        actor=lead, dossier=dossier, agent=AgentFactory(), role=DossierMember.Role.TEAM
    )
    services.member_add(
        actor=lead, dossier=dossier, agent=AgentFactory(), role=DossierMember.Role.SPONSOR
    )
    with pytest.raises(CallError, match="déjà son porteur"):
        services.member_add(
            actor=lead, dossier=dossier, agent=AgentFactory(), role=DossierMember.Role.SPONSOR
        )
    with pytest.raises(CallError):
        services.member_add(
            actor=member.agent, dossier=dossier, agent=AgentFactory(), role=DossierMember.Role.TEAM
        )
    with pytest.raises(CallError, match="reste dans l'équipe"):
        services.member_remove(actor=lead, member=dossier.members.get(agent=lead))


def test_an_external_partner_joins_only_as_a_partner_representative():
    dossier = DossierFactory()
    with pytest.raises(CallError, match="représentant d'un partenaire"):
        services.member_add(
            actor=lead_of(dossier),
            dossier=dossier,
            agent=ExternalAgentFactory(),
            role=DossierMember.Role.TEAM,
        )


def test_a_partner_of_another_dossier_cannot_be_changed_from_this_one():
    """A forged partner id: « Ce partenaire n'est pas de ce dossier. »"""
    dossier, other = DossierFactory(), DossierFactory()
    foreign = add_partner(other)
    with pytest.raises(CallError, match="n'est pas de ce dossier"):
        services.partner_save(actor=lead_of(dossier), dossier=dossier, partner=foreign, name="Volé")
    foreign.refresh_from_db()
    assert foreign.name != "Volé"


# --- pieces -------------------------------------------------------------------------------------


def test_a_commitment_act_is_attached_to_its_partner():
    """A per-partner piece names its partner and its signature; a new upload replaces it."""
    dossier = DossierFactory()
    lead = lead_of(dossier)
    partner = add_partner(dossier)
    act = kind(dossier, "engagement-partenaire")
    with pytest.raises(CallError, match="Indiquez le partenaire"):
        services.piece_upload(
            actor=lead, dossier=dossier, kind=act, upload=samples.upload("a.pdf", samples.pdf())
        )
    with pytest.raises(CallError, match="comment cette pièce est signée"):
        services.piece_upload(
            actor=lead,
            dossier=dossier,
            kind=act,
            partner=partner,
            upload=samples.upload("a.pdf", samples.pdf()),
        )
    for _round in range(2):
        piece, warning = services.piece_upload(
            actor=lead,
            dossier=dossier,
            kind=act,
            partner=partner,
            signature="scanned",
            upload=samples.upload("acte.pdf", samples.pdf()),
        )
    assert warning == ""
    assert list(dossier.pieces.all()) == [piece]
    assert piece.partner == partner and piece.signature == "scanned" and piece.pages == 1


def test_a_partner_of_another_dossier_cannot_receive_a_piece():
    dossier, other = DossierFactory(), DossierFactory()
    with pytest.raises(CallError, match="n'est pas de ce dossier"):
        services.piece_upload(
            actor=lead_of(dossier),
            dossier=dossier,
            kind=kind(dossier, "engagement-partenaire"),
            partner=add_partner(other),
            signature="rgs2",
            upload=samples.upload("a.pdf", samples.pdf()),
        )


def test_a_wrong_file_is_refused_in_french_and_the_stored_one_kept():
    """A macro-enabled document is refused; the presentation already stored stays."""
    dossier = DossierFactory()
    lead = lead_of(dossier)
    presentation = kind(dossier, "presentation")
    stored, _warning = services.piece_upload(
        actor=lead,
        dossier=dossier,
        kind=presentation,
        upload=samples.upload("presentation.pdf", samples.pdf(3)),
    )
    with pytest.raises(CallError, match="macros"):
        services.piece_upload(
            actor=lead,
            dossier=dossier,
            kind=presentation,
            upload=samples.upload("presentation.docm", samples.docm()),
        )
    assert list(dossier.pieces.all()) == [stored]


def heavy_odt(size):
    """A valid ODT of about ``size`` bytes (a picture that does not compress)."""
    return samples.with_zip_entries(samples.odt(), {"Pictures/photo.bin": os.urandom(size)})


def test_the_dossier_size_limit_counts_what_is_stored():
    """10 MB in all: a second large file that would pass it is refused."""
    dossier = DossierFactory()
    lead = lead_of(dossier)
    services.piece_upload(
        actor=lead,
        dossier=dossier,
        kind=kind(dossier, "annexes"),
        upload=samples.upload("annexe1.odt", heavy_odt(6 * 1024 * 1024)),
    )
    with pytest.raises(CallError, match="10"):
        services.piece_upload(
            actor=lead,
            dossier=dossier,
            kind=kind(dossier, "annexes"),
            upload=samples.upload("annexe2.odt", heavy_odt(int(4.5 * 1024 * 1024))),
        )
    assert dossier.pieces.count() == 1


def test_a_partner_representative_uploads_only_the_commitment_act():
    dossier = DossierFactory()
    representative = add_member(dossier, ExternalAgentFactory(), role=DossierMember.Role.PARTNER)
    with pytest.raises(CallError, match="acte d'engagement"):
        services.piece_upload(
            actor=representative,
            dossier=dossier,
            kind=kind(dossier, "synthese"),
            upload=samples.upload("synthese.pdf", samples.pdf()),
        )


# --- the deposit --------------------------------------------------------------------------------


def test_the_gate_blocks_a_deposit_until_the_third_commitment_act():
    """Three partners need three commitment acts: with two, the deposit is refused and says
    which piece is missing; with the third, it goes through."""
    dossier = complete(DossierFactory(), partners=3)
    third = dossier.partners.order_by("order", "id").last()
    Piece.objects.filter(dossier=dossier, partner=third).delete()
    lead = lead_of(dossier)
    with pytest.raises(CallError, match="Acte d'engagement du partenaire"):
        services.dossier_deposit(actor=lead, dossier=dossier)
    services.piece_upload(
        actor=lead,
        dossier=dossier,
        kind=kind(dossier, "engagement-partenaire"),
        partner=third,
        signature="rgs2",
        upload=samples.upload("acte3.pdf", samples.pdf()),
    )
    services.dossier_deposit(actor=lead, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.state == S.DEPOSITED


@pytest.mark.parametrize(
    ("second", "accepted"),
    [(-1, True), (0, True), (1, False)],
    ids=["16:59:59", "17:00:00", "17:00:01"],
)
def test_the_platform_clock_decides_the_deposit(second, accepted):
    """The wave closes at 17:00:00 Paris time: a deposit at 17:00:01 is refused with the
    closing date in French, and nothing changes."""
    dossier = complete(DossierFactory())
    deadline = dossier.wave.deadline
    moment = deadline + timezone.timedelta(seconds=second)
    with time_machine.travel(moment, tick=False):
        if accepted:
            services.dossier_deposit(actor=lead_of(dossier), dossier=dossier)
        else:
            with pytest.raises(CallError, match="17 h 00"):
                services.dossier_deposit(actor=lead_of(dossier), dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.state == (S.DEPOSITED if accepted else S.DRAFT)
    if accepted:
        assert dossier.deposited_at == moment
        assert DossierEvent.objects.filter(
            dossier=dossier, action="dossier_deposited", target=S.DEPOSITED
        ).exists()


def test_a_deposited_dossier_is_frozen():
    """After the deposit, no part, partner or piece changes."""
    dossier = complete(DossierFactory())
    lead = lead_of(dossier)
    services.dossier_deposit(actor=lead, dossier=dossier)
    with pytest.raises(CallError, match="est déposé"):
        services.dossier_update(actor=lead, dossier=dossier, part="sponsor", sponsor_name="X")
    with pytest.raises(CallError, match="est déposé"):
        services.partner_save(actor=lead, dossier=dossier, name="Nouveau")
    with pytest.raises(CallError, match="est déposé"):
        services.piece_upload(
            actor=lead,
            dossier=dossier,
            kind=kind(dossier, "annexes"),
            upload=samples.upload("tard.pdf", samples.pdf()),
        )
    with pytest.raises(CallError, match="est déposé"):
        services.piece_delete(actor=lead, piece=dossier.pieces.first())


def test_only_an_expert_request_opens_a_scoped_upload_after_the_deposit():
    """An expert's information request lets the team attach a piece to it, until answered."""
    dossier = complete(DossierFactory())
    lead = lead_of(dossier)
    manager = grant(dossier.call, CallRole.Role.MANAGER)
    services.dossier_deposit(actor=lead, dossier=dossier)
    services.dossier_screen(actor=manager, dossier=dossier, eligible=True)
    expert = AgentFactory()
    services.expert_assign(actor=manager, dossier=dossier, expert=expert)
    request = services.information_request(
        actor=expert, dossier=dossier, text="Précisez le calendrier."
    )
    piece, _warning = services.piece_upload(
        actor=lead,
        dossier=dossier,
        kind=kind(dossier, "annexes"),
        upload=samples.upload("calendrier.pdf", samples.pdf()),
        request=request,
    )
    assert piece.request == request
    services.request_answer(actor=lead, request=request, response="Voici le calendrier.")
    request.refresh_from_db()
    with pytest.raises(CallError, match="n'est pas ouverte"):
        services.piece_upload(
            actor=lead,
            dossier=dossier,
            kind=kind(dossier, "annexes"),
            upload=samples.upload("encore.pdf", samples.pdf()),
            request=request,
        )


def test_withdrawal_needs_a_reason():
    dossier = DossierFactory()
    with pytest.raises(Refused, match="motif"):
        services.dossier_withdraw(actor=lead_of(dossier), dossier=dossier, reason=" ")
    services.dossier_withdraw(actor=lead_of(dossier), dossier=dossier, reason="Projet abandonné")
    dossier.refresh_from_db()
    assert dossier.state == S.WITHDRAWN


def test_the_financing_plan_is_replaced_whole():
    """The plan's lines are replaced by the new ones; an unknown category is refused."""
    dossier = DossierFactory()
    lead = lead_of(dossier)
    services.financing_set(
        actor=lead,
        dossier=dossier,
        lines=[{"side": "resource", "category": "pia", "amount": Decimal("200")}],
    )
    with pytest.raises(CallError, match="Rubrique inconnue"):
        services.financing_set(
            actor=lead,
            dossier=dossier,
            lines=[{"side": "cost", "category": "champagne", "amount": Decimal("1")}],
        )
    assert list(dossier.financing.values_list("category", "amount")) == [("pia", Decimal("200"))]


def test_script_in_a_question_is_stored_as_text():
    """A question is plain text: stored as typed (the pages escape it)."""
    call = CallFactory()
    question = services.question_ask(
        actor=AgentFactory(), call=call, text="<script>alert(1)</script> Quel format ?"
    )
    assert question.text.startswith("<script>")


def test_replacing_a_piece_does_not_count_it_twice():
    """A new version of a 6 MB presentation replaces it: 6 MB stored, not 12."""
    dossier = DossierFactory()
    lead = lead_of(dossier)
    presentation = kind(dossier, "presentation")
    for name in ("v1.odt", "v2.odt"):
        services.piece_upload(
            actor=lead,
            dossier=dossier,
            kind=presentation,
            upload=samples.upload(name, heavy_odt(6 * 1024 * 1024)),
        )
    assert list(dossier.pieces.values_list("name", flat=True)) == ["v2.odt"]


def test_a_call_is_published_only_when_its_waves_share_the_whole_envelope():
    """40 % + 50 % is refused with the shares said; 40 % + 60 % is published."""
    call = CallFactory(published_at=None)
    admin = AgentFactory(platform_admin=True)
    second = call.waves.get(number=2)
    second.envelope_share = 50
    second.save()
    with pytest.raises(CallError, match="90 %"):
        services.call_publish(actor=admin, call=call)
    second.envelope_share = 60
    second.save()
    services.call_publish(actor=admin, call=call)
    call.refresh_from_db()
    assert call.is_published


def test_a_partners_name_loses_its_bidirectional_controls():
    """As every form of the platform: a name with a right-to-left override is stored without
    it, so it cannot display as another name."""
    from calls.forms import PartnerForm

    form = PartnerForm(
        data={"name": "Mairie\u202e de Rennes", "nature": "local", "contribution_amount": "0"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Mairie de Rennes"
