"""The retention purge of non-selected dossiers' personal data (R9, ``calls.retention``) and its
page « Conservation des données » (``calls:retention``): which dossiers, when (at the boundary,
with a clock the tests control), what is emptied and what stays, the log, idempotence, the
scheduler's registration, and who sees the page."""

import json
import re
from datetime import datetime
from decimal import Decimal
from html import unescape
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from calls import retention
from calls.models import (
    CallRole,
    Dossier,
    DossierEvent,
    DossierMember,
    ExpertAssignment,
    FinancingLine,
    Partner,
    Piece,
    PieceKind,
    PurgeLog,
    Score,
)
from directory.models import Region
from tests.calls.factories import (
    CallFactory,
    DossierFactory,
    add_member,
    add_partner,
    grant,
    lead_of,
)
from tests.factories import AgentFactory, ExternalAgentFactory

pytestmark = pytest.mark.django_db

S = Dossier.State
R = CallRole.Role
PARIS = ZoneInfo("Europe/Paris")
# Every dossier of these tests ended on 15 January 2026 at 10:00 in Paris; the calls keep
# their personal data 6 months: the purge is due on 15 July 2026 at 10:00.
ENDED = datetime(2026, 1, 15, 10, 0, tzinfo=PARIS)
DAY_BEFORE = datetime(2026, 7, 14, 10, 0, tzinfo=PARIS)
DAY_AFTER = datetime(2026, 7, 16, 10, 0, tzinfo=PARIS)

PERSONAL = {
    "contact_civility": "Mme",
    "contact_name": "Claire Martin",
    "contact_function": "Cheffe de projet",
    "contact_phone": "02 99 00 00 01",
    "contact_fax": "02 99 00 00 02",
    "contact_email": "claire.martin@example.gouv.fr",
    "sponsor_phone": "02 99 02 10 35",
    "sponsor_email": "pref-projets@bretagne.gouv.fr",
    "signatory_name": "Jean Dupont",
    "signatory_title": "Préfet de région",
}
PARTNER_CONTACT = {"contact_name": "Paul Durand", "contact_email": "paul.durand@cd35.fr"}
KEPT = {
    "title": "Réseau des instructeurs",
    "acronym": "RI",
    "summary": "Un réseau pour partager les pratiques.",
    "sponsor_name": "Préfecture de la région Bretagne",
    "sponsor_address": "3 avenue de la Préfecture, 35000 Rennes",
    "granted_amount": None,
}
DECIDED = (S.NOT_SELECTED, S.PROMISING, S.SELECTED)


def ended_dossier(call, state, *, at=ENDED, consent=False, title=None, **fields):
    """A dossier of ``call`` in ``state``, ended at ``at``: its personal fields and a partner's
    contact filled in; a decision's ``decided_at`` set, or the event of its move written."""
    dossier = DossierFactory(call=call)
    values = {**PERSONAL, **KEPT, "registry_consent": consent, **fields}
    if title:
        values["title"] = title
    values["acronym"] = f"RI{dossier.pk}"
    if state in DECIDED:
        values.setdefault("decided_at", at)
    Dossier.objects.filter(pk=dossier.pk).update(state=state, **values)
    if state not in DECIDED:
        DossierEvent.objects.create(
            dossier=dossier, action=f"dossier_{state}", source="deposited", target=state, at=at
        )
    add_partner(dossier, name="Conseil départemental d'Ille-et-Vilaine", **PARTNER_CONTACT)
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def call():
    return CallFactory(retention_months=6)


def personal_of(dossier):
    dossier.refresh_from_db()
    return {name: getattr(dossier, name) for name in retention.DOSSIER_FIELDS}


def partner_contacts(dossier):
    return list(Partner.objects.filter(dossier=dossier).values("contact_name", "contact_email"))


def is_purged(dossier):
    values = personal_of(dossier)
    return dossier.purged_at is not None and not any(values.values())


def is_intact(dossier):
    return personal_of(dossier) == PERSONAL and dossier.purged_at is None


# --- which dossiers ---------------------------------------------------------------------------

# The state of a dossier ended long ago, and whether the purge empties it (a draft here is on a
# wave still open: see the test of an abandoned draft below).
STATE_MATRIX = """
state          consent  purged
withdrawn      no       x
ineligible     no       x
not_selected   no       x
promising      no       x
promising      yes      -
selected       no       -
in_progress    no       -
final_report   no       -
closed         no       -
draft          no       -
deposited      no       -
evaluation     no       -
reviewed       no       -
referred       no       -
"""


def state_rows():
    lines = [line.split() for line in STATE_MATRIX.strip().splitlines()][1:]
    return [(state, consent == "yes", purged == "x") for state, consent, purged in lines]


@pytest.mark.parametrize(("state", "consent", "purged"), state_rows())
def test_which_dossiers_the_purge_empties(call, state, consent, purged):
    """Only the final non-selected states are purged once their period is over; the selected
    and running projects, the dossiers still on their way, and a promising dossier whose team
    consented to the registry keep their personal data."""
    dossier = ended_dossier(call, state, consent=consent)
    done = retention.purge_tick(DAY_AFTER)
    assert done == (1 if purged else 0)
    if purged:
        assert is_purged(dossier)
        assert partner_contacts(dossier) == [{"contact_name": "", "contact_email": ""}]
    else:
        assert is_intact(dossier)
        assert partner_contacts(dossier) == [PARTNER_CONTACT]
        assert not PurgeLog.objects.filter(dossier=dossier).exists()


def test_a_dossier_of_each_state_in_one_tick(call):
    """With a dossier of each state at once, one tick purges exactly the four non-selected
    ones (the consenting promising one left) and says so."""
    dossiers = {
        (state, consent): ended_dossier(call, state, consent=consent)
        for state, consent, _purged in state_rows()
    }
    assert retention.purge_tick(DAY_AFTER) == 4
    purged = {key for key, dossier in dossiers.items() if is_purged(dossier)}
    assert purged == {
        (S.WITHDRAWN, False),
        (S.INELIGIBLE, False),
        (S.NOT_SELECTED, False),
        (S.PROMISING, False),
    }


def test_an_abandoned_draft_is_purged_from_its_waves_closing(call):
    """A draft never deposited ended when its wave closed (it can no longer be deposited): its
    personal fields are kept one day before the period ends, purged the day after, and logged;
    a draft of a wave still open is left alone."""
    from calls.models import Wave

    abandoned = ended_dossier(call, S.DRAFT)
    Wave.objects.filter(pk=abandoned.wave_id).update(deadline=ENDED)
    open_wave = Wave.objects.create(
        call=call, number=3, deadline=DAY_AFTER.replace(year=2027), envelope_share=0
    )
    pending = ended_dossier(call, S.DRAFT)
    Dossier.objects.filter(pk=pending.pk).update(wave=open_wave)
    assert retention.purge_tick(DAY_BEFORE) == 0
    assert is_intact(abandoned)
    assert retention.purge_tick(DAY_AFTER) == 1
    assert is_purged(abandoned)
    assert PurgeLog.objects.get(dossier=abandoned).fields
    assert is_intact(pending)


# --- when -------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [S.WITHDRAWN, S.INELIGIBLE, S.NOT_SELECTED, S.PROMISING])
def test_the_boundary_of_the_period(call, state):
    """One day before the period ends nothing is purged, through the scheduler's clock; the
    day after, the dossier is."""
    dossier = ended_dossier(call, state)
    with time_machine.travel(DAY_BEFORE, tick=False):
        assert retention.purge_tick(timezone.now()) == 0
    assert is_intact(dossier)
    with time_machine.travel(DAY_AFTER, tick=False):
        assert retention.purge_tick(timezone.now()) == 1
    assert is_purged(dossier)
    dossier.refresh_from_db()
    assert dossier.purged_at == DAY_AFTER


def test_the_period_is_the_calls(call):
    """Each call's own ``retention_months`` counts: on 16 July 2026 a 6-month call's dossier is
    purged, a 12-month call's is not, until 16 January 2027."""
    longer = CallFactory(retention_months=12)
    short = ended_dossier(call, S.NOT_SELECTED)
    long = ended_dossier(longer, S.NOT_SELECTED)
    assert retention.purge_tick(DAY_AFTER) == 1
    assert is_purged(short) and is_intact(long)
    assert retention.purge_tick(datetime(2027, 1, 16, 10, 0, tzinfo=PARIS)) == 1
    assert is_purged(long)


def test_a_withdrawal_counts_from_its_event_not_from_the_creation(call):
    """A withdrawn dossier ends at its withdrawal's event: created long before, withdrawn in
    March, it is kept on 16 July and purged after 15 September."""
    dossier = ended_dossier(call, S.WITHDRAWN, at=datetime(2026, 3, 15, 9, 0, tzinfo=PARIS))
    Dossier.objects.filter(pk=dossier.pk).update(
        created_at=datetime(2025, 1, 1, tzinfo=PARIS), decided_at=None
    )
    assert retention.purge_tick(DAY_AFTER) == 0
    assert retention.purge_tick(datetime(2026, 9, 15, 8, 59, tzinfo=PARIS)) == 0
    assert retention.purge_tick(datetime(2026, 9, 15, 9, 0, tzinfo=PARIS)) == 1
    assert is_purged(dossier)


def test_a_decision_without_its_date_counts_from_its_event(call):
    """A decided dossier whose ``decided_at`` is missing ends at the event of its decision; a
    dossier whose end is unknown (no date, no event) is never purged automatically."""
    from_event = ended_dossier(call, S.NOT_SELECTED, decided_at=None)
    DossierEvent.objects.create(
        dossier=from_event, action="dossier_not_selected", target=S.NOT_SELECTED, at=ENDED
    )
    unknown = ended_dossier(call, S.NOT_SELECTED, decided_at=None)
    assert retention.purge_tick(DAY_AFTER) == 1
    assert is_purged(from_event)
    assert is_intact(unknown)


def test_a_promising_dossier_is_purged_once_the_consent_is_withdrawn(call):
    """The registry's consent keeps the data while it stands; withdrawn, the next tick purges
    the dossier whose period is over."""
    dossier = ended_dossier(call, S.PROMISING, consent=True)
    assert retention.purge_tick(DAY_AFTER) == 0
    assert is_intact(dossier)
    Dossier.objects.filter(pk=dossier.pk).update(registry_consent=False)
    assert retention.purge_tick(DAY_AFTER) == 1
    assert is_purged(dossier)


# --- what is emptied, what stays ----------------------------------------------------------


def test_only_the_personal_fields_are_emptied(call):
    """Titles, amounts, the organisation's name and address, the partner's organisation, the
    financing plan, the pieces, the experts' scores, the members and the audit trail stay."""
    dossier = ended_dossier(call, S.NOT_SELECTED, granted_amount=Decimal("120"))
    FinancingLine.objects.create(
        dossier=dossier, side="cost", category="moa_internal", amount=Decimal("300")
    )
    kind = PieceKind.objects.get(call=call, code="synthese")
    Piece.objects.create(
        dossier=dossier,
        kind=kind,
        file=SimpleUploadedFile("synthese.pdf", b"%PDF-1.4\n"),
        name="synthese.pdf",
        content_type="application/pdf",
        size=9,
    )
    expert = grant(call, R.EXPERT)
    assignment = ExpertAssignment.objects.create(
        dossier=dossier, expert=expert, opinion="Projet intéressant."
    )
    Score.objects.create(
        assignment=assignment, criterion=call.criteria.get(code="2"), score=4, comment="Bien."
    )
    events_before = list(dossier.events.values_list("action", flat=True))
    members_before = dossier.members.count()

    assert retention.purge_tick(DAY_AFTER) == 1

    dossier.refresh_from_db()
    assert is_purged(dossier)
    for name in ("title", "summary", "sponsor_name", "sponsor_address"):
        assert getattr(dossier, name) == KEPT[name], name
    assert dossier.acronym == f"RI{dossier.pk}"
    assert dossier.granted_amount == Decimal("120")
    assert dossier.state == S.NOT_SELECTED
    partner = dossier.partners.get()
    assert partner.name == "Conseil départemental d'Ille-et-Vilaine"
    assert partner.justification
    assert dossier.financing.get().amount == Decimal("300")
    assert dossier.pieces.get().name == "synthese.pdf"
    assert Score.objects.get(assignment=assignment).score == 4
    assert ExpertAssignment.objects.get(pk=assignment.pk).opinion == "Projet intéressant."
    assert dossier.members.count() == members_before
    events_after = list(dossier.events.values_list("action", flat=True))
    assert events_after == [*events_before, "personal_data_purged"]


def test_the_log_names_the_fields_never_their_values(call):
    """The purge writes a PurgeLog with the names of the fields that held a value (the
    partners' as « partners.<field> »), the period, the dossier's label, and none of the
    values; a DossierEvent « personal_data_purged »; ``purged_at``."""
    dossier = ended_dossier(call, S.INELIGIBLE, contact_fax="")
    retention.purge_tick(DAY_AFTER)
    log = PurgeLog.objects.get(dossier=dossier)
    expected = [name for name in retention.DOSSIER_FIELDS if name != "contact_fax"]
    assert log.fields == [*expected, "partners.contact_name", "partners.contact_email"]
    assert log.call == call
    assert log.retention_months == 6
    assert log.dossier_label == str(dossier)
    assert log.purged_at == DAY_AFTER
    stored = json.dumps(log.fields) + log.dossier_label
    for value in [*PERSONAL.values(), *PARTNER_CONTACT.values()]:
        if value:
            assert value not in stored
    event = dossier.events.get(action="personal_data_purged")
    assert event.actor is None
    assert event.at == DAY_AFTER
    for value in PERSONAL.values():
        if len(value) > 3:
            assert value not in event.comment


def test_a_second_tick_purges_nothing_more(call):
    """Idempotent: the second tick (later, too) does nothing, one log and one event per
    dossier."""
    dossier = ended_dossier(call, S.WITHDRAWN)
    assert retention.purge_tick(DAY_AFTER) == 1
    assert retention.purge_tick(DAY_AFTER) == 0
    assert retention.purge_tick(datetime(2027, 7, 1, tzinfo=PARIS)) == 0
    assert PurgeLog.objects.filter(dossier=dossier).count() == 1
    assert dossier.events.filter(action="personal_data_purged").count() == 1


def test_purging_one_dossier_checks_it_again(call):
    """``purge_dossier`` re-reads the dossier: one not yet due, already purged, or selected
    meanwhile is left alone (None)."""
    early = ended_dossier(call, S.NOT_SELECTED)
    assert retention.purge_dossier(early.pk, now=DAY_BEFORE) is None
    assert is_intact(early)
    assert retention.purge_dossier(early.pk, now=DAY_AFTER) is not None
    assert retention.purge_dossier(early.pk, now=DAY_AFTER) is None
    selected = ended_dossier(call, S.SELECTED)
    assert retention.purge_dossier(selected.pk, now=DAY_AFTER) is None
    assert is_intact(selected)


def test_the_scheduler_runs_the_registered_purge(call):
    """``manage.py scheduler --once --only calls.retention_purge`` runs this module's tick: the
    registration is live and the due dossier is purged (once)."""
    dossier = ended_dossier(call, S.NOT_SELECTED)
    with time_machine.travel(DAY_AFTER, tick=False):
        out = StringIO()
        call_command("scheduler", "--once", "--only", "calls.retention_purge", stdout=out)
        assert "calls.retention_purge : 1" in out.getvalue()
        out = StringIO()
        call_command("scheduler", "--once", "--only", "calls.retention_purge", stdout=out)
        assert "calls.retention_purge : 0" in out.getvalue()
    assert is_purged(dossier)


def test_the_months_are_calendar_months():
    """31 August + 6 months is the last day of February; the Paris wall-clock hour stays."""
    moment = datetime(2025, 8, 31, 17, 0, tzinfo=PARIS)
    assert retention.add_months(moment, 6) == datetime(2026, 2, 28, 17, 0, tzinfo=PARIS)
    assert retention.add_months(moment, 18) == datetime(2027, 2, 28, 17, 0, tzinfo=PARIS)


# --- the page « Conservation des données » ------------------------------------------------------

PAGE_PEOPLE = [
    "admin",
    "manager",
    "regional_sgar",
    "region_sgar",
    "other_sgar",
    "cdc",
    "committee",
    "lead",
    "outsider",
    "partner",
]
# Who sees the page of a national call, and of a regional call of Bretagne. x: 200, -: 404.
PAGE_MATRIX = """
scope      admin manager regional_sgar region_sgar other_sgar cdc committee lead outsider partner
national   x     x       -             -           -          -   -         -    -        -
regional   x     x       x             x           -          -   -         -    -        -
"""


def page_people(call, dossier):
    normandie = Region.objects.get(code="28")
    return {
        "admin": AgentFactory(platform_admin=True),
        "manager": grant(call, R.MANAGER),
        # The SGAR officer of Bretagne: the regional call's region and the dossier's.
        "regional_sgar": AgentFactory(sgar=True),
        "region_sgar": AgentFactory(sgar=True),
        "other_sgar": AgentFactory(role="sgar", sgar_region=normandie),
        "cdc": grant(call, R.CDC),
        "committee": grant(call, R.COMMITTEE),
        "lead": lead_of(dossier),
        "outsider": AgentFactory(),
        "partner": add_member(dossier, ExternalAgentFactory(), role=DossierMember.Role.PARTNER),
    }


def page_rows():
    lines = [line.split() for line in PAGE_MATRIX.strip().splitlines()]
    assert lines[0][1:] == PAGE_PEOPLE
    for scope, *cells in lines[1:]:
        for person, cell in zip(PAGE_PEOPLE, cells, strict=True):
            yield scope, person, cell == "x"


@pytest.mark.parametrize(("scope", "person", "allowed"), list(page_rows()))
def test_who_sees_the_retention_page(client, scope, person, allowed):
    """The call's managers (administrators, named managers, a regional call's SGAR officers)
    see the page; anyone else gets a 404, the link on the call's page only for them."""
    call = CallFactory(retention_months=6, regional=scope == "regional")
    dossier = ended_dossier(call, S.NOT_SELECTED)
    agent = page_people(call, dossier)[person]
    client.force_login(agent)
    response = client.get(reverse("calls:retention", args=[call.slug]))
    assert response.status_code == (200 if allowed else 404)
    page = client.get(reverse("calls:call", args=[call.slug]))
    if page.status_code == 200:
        assert ('data-testid="call-retention-link"' in page.content.decode()) == allowed


def test_the_retention_page_is_for_signed_in_managers(client, call):
    """Signed out: sent to the login page; a POST is refused (405)."""
    url = reverse("calls:retention", args=[call.slug])
    response = client.get(url)
    assert response.status_code == 302
    assert "/connexion" in response.url or "login" in response.url
    client.force_login(grant(call, R.MANAGER))
    assert client.post(url).status_code == 405


def ids(response, name):
    return re.findall(rf'data-testid="{name}" data-id="([^"]*)"', response.content.decode())


def test_the_retention_page_shows_the_period_the_coming_purges_and_the_log(client, call):
    """The page says the period with the link to the settings, lists the dossiers purged
    within 30 days with their date (not those due later, nor the consenting promising one),
    and the log: date, dossier, the fields in French, never a value."""
    soon = ended_dossier(call, S.NOT_SELECTED, at=datetime(2026, 2, 1, 10, 0, tzinfo=PARIS))
    later = ended_dossier(call, S.WITHDRAWN, at=datetime(2026, 4, 1, 10, 0, tzinfo=PARIS))
    kept = ended_dossier(call, S.PROMISING, consent=True)
    done = ended_dossier(call, S.INELIGIBLE)
    retention.purge_tick(DAY_AFTER)
    client.force_login(grant(call, R.MANAGER))
    with time_machine.travel(DAY_AFTER, tick=False):
        response = client.get(reverse("calls:retention", args=[call.slug]))
    text = unescape(response.content.decode())
    assert response.status_code == 200
    assert 'data-testid="retention-months" data-value="6"' in response.content.decode()
    assert reverse("calls:settings", args=[call.slug]) in text
    assert ids(response, "retention-coming-row") == [str(soon.pk)]
    assert "1 août 2026" in text or "1er août 2026" in text
    assert str(later.pk) not in ids(response, "retention-coming-row")
    assert ids(response, "retention-kept-dossier") == [str(kept.pk)]
    assert ids(response, "retention-log-row") == [str(done.pk)]
    assert "Contact : nom et prénom" in text
    assert "Partenaires : personne à contacter" in text
    assert "Claire Martin" not in text.split("Journal des suppressions")[1]


def test_the_retention_page_escapes_the_titles(client, call):
    """A dossier's title with HTML and script is shown escaped in the coming purges and in the
    log."""
    nasty = '<script>alert("x")</script><b>gras</b>'
    ended_dossier(call, S.NOT_SELECTED, title=nasty, acronym="")
    ended_dossier(call, S.WITHDRAWN, title=nasty, at=datetime(2026, 2, 1, 10, tzinfo=PARIS))
    retention.purge_tick(DAY_AFTER)
    client.force_login(grant(call, R.MANAGER))
    with time_machine.travel(DAY_AFTER, tick=False):
        response = client.get(reverse("calls:retention", args=[call.slug]))
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "<b>gras</b>" not in content
    assert "&lt;script&gt;" in content


def test_a_forged_call_address_is_a_404(client):
    """An unknown call's address is a 404, even for an administrator."""
    client.force_login(AgentFactory(platform_admin=True))
    assert client.get(reverse("calls:retention", args=["nope"])).status_code == 404
