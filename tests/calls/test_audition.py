"""The audition of the shortlisted candidates of a call that has one (R61, spec §3.13): the
shortlist from the evaluation page, the date, place and video link, the notes, who does and
reads what (services and pages), bad input, and a communities call that never shows it."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import unescape

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from calls import audition as services
from calls.deadlines import PARIS
from calls.models import Audition, CallRole, Dossier, DossierEvent, DossierMember, ExpertAssignment
from calls.services import CallError, opinion_record
from tests.calls.factories import CallFactory, DossierFactory, add_member, at_state, grant, lead_of
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

R = CallRole.Role
S = Dossier.State
WHO = (
    "lead",
    "sponsor",
    "team",
    "partner",
    "manager",
    "committee",
    "expert",
    "other_expert",
    "outsider",
)


@dataclass
class Case:
    dossier: Dossier
    people: dict

    @property
    def call(self):
        return self.dossier.call


def case(state=S.EVALUATION, **call_fields):
    """A dossier of a labs call (with an audition) in ``state``, and everyone around it."""
    call_fields.setdefault("audition", True)
    call_fields.setdefault("kind", "labs")
    call = CallFactory(**call_fields)
    dossier = DossierFactory(call=call)
    expert = grant(call, R.EXPERT)
    ExpertAssignment.objects.create(dossier=dossier, expert=expert)
    people = {
        "lead": lead_of(dossier),
        "sponsor": add_member(dossier, role=DossierMember.Role.SPONSOR),
        "team": add_member(dossier, role=DossierMember.Role.TEAM),
        "partner": add_member(dossier, role=DossierMember.Role.PARTNER),
        "manager": grant(call, R.MANAGER),
        "committee": grant(call, R.COMMITTEE),
        "expert": expert,
        "other_expert": grant(call, R.EXPERT),
        "outsider": AgentFactory(),
    }
    return Case(dossier=at_state(dossier, state), people=people)


def soon(days=10, hour=14):
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 30, tzinfo=PARIS)


def scheduled(c):
    """``c``'s dossier shortlisted with its audition scheduled and its notes written."""
    if c.dossier.state == S.EVALUATION:
        services.dossier_shortlist(actor=c.people["manager"], dossier=c.dossier)
    services.audition_schedule(
        actor=c.people["manager"],
        dossier=c.dossier,
        scheduled_at=soon(),
        place="SGMAP, salle 301",
        video_url="https://visio.example.gouv.fr/labo",
    )
    services.audition_record(
        actor=c.people["manager"], dossier=c.dossier, notes="Équipe motivée, lieu identifié."
    )
    return c


def url(c, name="audition"):
    return reverse(f"calls:{name}", args=[c.call.slug, c.dossier.pk])


def page(response):
    return unescape(response.content.decode())


# --- who may do what: the matrix ------------------------------------------------------------------

# who: (shortlist, schedule and record, read the audition, read its notes)
MATRIX = {
    "lead": (False, False, True, False),
    "sponsor": (False, False, True, False),
    "team": (False, False, True, False),
    "partner": (False, False, False, False),
    "manager": (True, True, True, True),
    "committee": (False, False, True, True),
    "expert": (False, False, True, True),
    "other_expert": (False, False, False, False),
    "outsider": (False, False, False, False),
}


@pytest.mark.parametrize("who", WHO)
def test_the_matrix_on_the_services(who):
    """Only the call's managers shortlist, schedule and record; the team, the managers, the
    committee and the assigned expert read the audition; only the managers, the committee and
    the assigned expert read the notes; a partner, another expert, an outsider read nothing."""
    shortlist, manage, read, notes = MATRIX[who]
    c = case()
    agent = c.people[who]
    assert c.dossier and bool(c.people)
    if shortlist:
        services.dossier_shortlist(actor=agent, dossier=c.dossier)
    else:
        with pytest.raises(CallError) as refused:
            services.dossier_shortlist(actor=agent, dossier=c.dossier)
        assert refused.value.code == "forbidden"
        services.dossier_shortlist(actor=c.people["manager"], dossier=c.dossier)
    c.dossier.refresh_from_db()
    assert c.dossier.state == S.AUDITION
    if manage:
        services.audition_schedule(
            actor=agent, dossier=c.dossier, scheduled_at=soon(), place="SGMAP"
        )
        services.audition_record(actor=agent, dossier=c.dossier, notes="Compte rendu.")
    else:
        with pytest.raises(CallError) as refused:
            services.audition_schedule(
                actor=agent, dossier=c.dossier, scheduled_at=soon(), place="SGMAP"
            )
        assert refused.value.code == "forbidden"
        scheduled(c)
        with pytest.raises(CallError) as refused:
            services.audition_record(actor=agent, dossier=c.dossier, notes="Faux compte rendu.")
        assert refused.value.code == "forbidden"
    assert services.can_read_audition(agent, c.dossier) is read
    assert services.can_read_audition_notes(agent, c.dossier) is notes


# status of: GET the page, POST shortlist, POST schedule, POST record
PAGE_MATRIX = {
    "lead": (200, 403, 403, 403),
    "sponsor": (200, 403, 403, 403),
    "team": (200, 403, 403, 403),
    "partner": (403, 403, 403, 403),
    "manager": (200, 302, 302, 302),
    "committee": (200, 403, 403, 403),
    "expert": (200, 403, 403, 403),
    "other_expert": (404, 404, 404, 404),
    "outsider": (404, 404, 404, 404),
}


@pytest.mark.parametrize("who", WHO)
def test_the_matrix_on_the_pages(client, who):
    """The audition page and its three posts, for each person: 200 or a redirect for those who
    may, 403 for a reader of the dossier who may not, 404 for whoever may not read the dossier;
    the notes only on the managers', the committee's and the expert's page."""
    get_status, shortlist_status, schedule_status, record_status = PAGE_MATRIX[who]
    c = case()
    client.force_login(c.people[who])
    response = client.post(url(c), {"action": "shortlist"})
    assert response.status_code == shortlist_status
    if shortlist_status != 302:
        services.dossier_shortlist(actor=c.people["manager"], dossier=c.dossier)
    c.dossier.refresh_from_db()
    assert c.dossier.state == S.AUDITION
    day = soon(days=12)
    response = client.post(
        url(c),
        {
            "action": "schedule",
            "schedule-day": day.date().isoformat(),
            "schedule-time": "10:00",
            "schedule-place": "Préfecture de région",
            "schedule-video_url": "",
        },
    )
    assert response.status_code == schedule_status
    if schedule_status != 302:
        scheduled(c)
    response = client.post(url(c), {"action": "record", "notes-notes": "Mon compte rendu."})
    assert response.status_code == record_status
    response = client.get(url(c))
    assert response.status_code == get_status
    if get_status == 200:
        html = page(response)
        assert 'data-testid="audition-when"' in html
        assert ('data-testid="audition-notes"' in html) is MATRIX[who][3]
        assert ('data-testid="schedule-form"' in html) is (who == "manager")


def test_the_team_sees_date_place_and_link_but_not_the_notes(client):
    """The lead reads the date in Paris time, the place and the video link; the notes never
    reach their page, nor their evaluation page."""
    c = scheduled(case())
    client.force_login(c.people["lead"])
    html = page(client.get(url(c)))
    assert "SGMAP, salle 301" in html
    assert 'href="https://visio.example.gouv.fr/labo"' in html
    assert "14 h 30" in html
    assert "Équipe motivée" not in html
    evaluation = page(client.get(url(c, "evaluation")))
    assert 'data-testid="audition-block"' in evaluation and "SGMAP, salle 301" in evaluation
    assert "Équipe motivée" not in evaluation


def test_the_managers_page_shows_the_notes_and_the_events():
    """Scheduling and recording leave « audition_scheduled » and « audition_recorded » in the
    audit trail; the notes are not in the events' comments."""
    c = scheduled(case())
    actions = list(DossierEvent.objects.filter(dossier=c.dossier).values_list("action", "comment"))
    names = [action for action, _comment in actions]
    assert "dossier_shortlisted" in names
    assert "audition_scheduled" in names and "audition_recorded" in names
    assert all("Équipe motivée" not in comment for _action, comment in actions)
    audition = Audition.objects.get(dossier=c.dossier)
    assert audition.scheduled_by == c.people["manager"]
    assert audition.notes == "Équipe motivée, lieu identifié."


# --- the evaluation page ----------------------------------------------------------------------


def test_the_evaluation_page_offers_the_shortlist_then_links_the_audition(client):
    """A manager sees « Présélectionner pour l'audition » on a dossier in evaluation; posting it
    moves the dossier to the audition and leads to the audition page; the evaluation page then
    links the audition and still offers the reasoned opinion, which moves it to « avis motivé
    rendu »."""
    c = case()
    client.force_login(c.people["manager"])
    html = page(client.get(url(c, "evaluation")))
    assert "Présélectionner pour l'audition" in html
    response = client.post(url(c), {"action": "shortlist"})
    assert response.status_code == 302 and response.url == url(c)
    c.dossier.refresh_from_db()
    assert c.dossier.state == S.AUDITION
    html = page(client.get(url(c, "evaluation")))
    assert "Présélectionner pour l'audition" not in html
    assert 'data-testid="audition-link"' in html
    assert 'data-testid="opinion-form"' in html
    response = client.post(url(c, "opinion"), {"opinion-text": "Avis favorable après audition."})
    assert response.status_code == 302
    c.dossier.refresh_from_db()
    assert c.dossier.state == S.REVIEWED
    assert c.dossier.committee_opinion == "Avis favorable après audition."


def test_the_shortlist_button_is_for_managers_only(client):
    """The lead, the committee and the expert do not see the shortlist button."""
    c = case()
    for who in ("lead", "committee", "expert"):
        client.force_login(c.people[who])
        assert "Présélectionner pour l'audition" not in page(client.get(url(c, "evaluation")))


def test_the_opinion_is_recorded_from_the_audition_state():
    """After the audition the managers record the committee's reasoned opinion as before."""
    c = scheduled(case())
    opinion_record(actor=c.people["manager"], dossier=c.dossier, text="Avis motivé.")
    c.dossier.refresh_from_db()
    assert c.dossier.state == S.REVIEWED
    with pytest.raises(CallError):
        services.audition_record(actor=c.people["manager"], dossier=c.dossier, notes="Trop tard.")


def test_only_a_dossier_in_evaluation_is_shortlisted():
    """A deposited dossier, or one already shortlisted, is refused in French."""
    c = case(state=S.DEPOSITED)
    with pytest.raises(CallError, match="Seul un dossier en évaluation"):
        services.dossier_shortlist(actor=c.people["manager"], dossier=c.dossier)


# --- a communities call -----------------------------------------------------------------------


def test_a_communities_call_never_shows_the_audition(client):
    """Without ``Call.audition``: no shortlist button on the evaluation page, the audition page
    is a 404, the shortlist service refuses in French, and the dossier stays in evaluation."""
    c = case(audition=False, kind="communities")
    client.force_login(c.people["manager"])
    html = page(client.get(url(c, "evaluation")))
    assert "Présélectionner pour l'audition" not in html
    assert 'data-testid="audition-block"' not in html
    assert client.get(url(c)).status_code == 404
    assert client.post(url(c), {"action": "shortlist"}).status_code == 404
    with pytest.raises(CallError, match="ne prévoit pas d'audition"):
        services.dossier_shortlist(actor=c.people["manager"], dossier=c.dossier)
    c.dossier.refresh_from_db()
    assert c.dossier.state == S.EVALUATION


# --- bad input --------------------------------------------------------------------------------


def shortlisted_manager(client):
    c = case()
    services.dossier_shortlist(actor=c.people["manager"], dossier=c.dossier)
    client.force_login(c.people["manager"])
    return c


def schedule_post(client, c, **fields):
    day = soon(days=15).date().isoformat()
    data = {
        "action": "schedule",
        "schedule-day": day,
        "schedule-time": "09:15",
        "schedule-place": "",
        "schedule-video_url": "",
    }
    data.update({f"schedule-{k}": v for k, v in fields.items()})
    return client.post(url(c), data)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"day": "31/02/2031", "place": "SGMAP"}, "Saisissez une date qui existe"),
        ({"day": "demain", "place": "SGMAP"}, "Saisissez une date qui existe"),
        ({"time": "25:99", "place": "SGMAP"}, "Saisissez une heure"),
        ({"video_url": "javascript:alert(1)"}, "commençant par https://"),
        ({"video_url": "http://visio.example.fr/labo"}, "commençant par https://"),
        ({"video_url": "https://"}, "commençant par https://"),
        ({}, "Indiquez le lieu de l'audition ou le lien de visioconférence."),
        ({"day": "2001-01-01", "place": "SGMAP"}, "La date de l'audition doit être à venir."),
        ({"place": "x" * 301}, "Le lieu compte au plus 300 caractères."),
    ],
)
def test_bad_schedules_are_refused_in_french(client, fields, message):
    """A date that does not exist, an hour that is not one, a javascript: or http: link, no
    place nor link, a past date, a place too long: 400 with the French message, nothing
    stored."""
    c = shortlisted_manager(client)
    response = schedule_post(client, c, **fields)
    assert response.status_code == 400
    assert message in page(response)
    assert not Audition.objects.filter(dossier=c.dossier).exists()


def test_a_past_audition_keeps_its_date_when_its_place_is_corrected():
    """Once the audition's day has passed, the managers may still correct its place with the
    same date; a new past date is refused."""
    c = scheduled(case())
    when = Audition.objects.get(dossier=c.dossier).scheduled_at
    later = when + timedelta(days=1)
    with time_machine.travel(later, tick=False):
        services.audition_schedule(
            actor=c.people["manager"], dossier=c.dossier, scheduled_at=when, place="Salle 12"
        )
        with pytest.raises(CallError, match="doit être à venir"):
            services.audition_schedule(
                actor=c.people["manager"],
                dossier=c.dossier,
                scheduled_at=when + timedelta(hours=2),
                place="Salle 12",
            )
    audition = Audition.objects.get(dossier=c.dossier)
    assert (audition.scheduled_at, audition.place) == (when, "Salle 12")


def test_a_javascript_link_is_refused_by_the_service_too():
    """The service refuses a link that is not https, whatever the form did."""
    c = case()
    services.dossier_shortlist(actor=c.people["manager"], dossier=c.dossier)
    for link in ("javascript:alert(1)", "http://visio.example.fr", "ftp://x.fr", "https://"):
        with pytest.raises(CallError, match="https://"):
            services.audition_schedule(
                actor=c.people["manager"], dossier=c.dossier, scheduled_at=soon(), video_url=link
            )
    assert not Audition.objects.exists()


def test_notes_before_the_schedule_and_empty_notes_are_refused(client):
    """Notes with no audition scheduled, or empty: refused in French."""
    c = shortlisted_manager(client)
    with pytest.raises(CallError, match="Fixez d'abord la date"):
        services.audition_record(actor=c.people["manager"], dossier=c.dossier, notes="Notes.")
    scheduled(c)
    response = client.post(url(c), {"action": "record", "notes-notes": "   "})
    assert response.status_code == 400
    assert "Écrivez le compte rendu de l'audition." in page(response)
    assert Audition.objects.get(dossier=c.dossier).notes == "Équipe motivée, lieu identifié."


def test_html_and_script_in_place_and_notes_are_shown_escaped(client):
    """A place and notes with HTML and a script are stored as typed and shown escaped, on the
    audition page and the evaluation page."""
    c = shortlisted_manager(client)
    evil = '<script>alert("x")</script><b>gras</b>'
    assert schedule_post(client, c, place=evil).status_code == 302
    assert client.post(url(c), {"action": "record", "notes-notes": evil}).status_code == 302
    for address in (url(c), url(c, "evaluation")):
        raw = client.get(address).content.decode()
        assert "<script>alert" not in raw and "<b>gras</b>" not in raw
        assert "&lt;script&gt;" in raw


def test_a_dossier_of_another_call_is_a_404(client):
    """The address of a dossier under another call's slug is a 404, for reading and posting;
    nothing changes."""
    c = case()
    other = case()
    client.force_login(c.people["manager"])
    forged = reverse("calls:audition", args=[other.call.slug, c.dossier.pk])
    assert client.get(forged).status_code == 404
    assert client.post(forged, {"action": "shortlist"}).status_code == 404
    c.dossier.refresh_from_db()
    assert c.dossier.state == S.EVALUATION


def test_an_unknown_action_is_a_french_message(client):
    """A forged action comes back to the page with a French message, never a 500."""
    c = shortlisted_manager(client)
    response = client.post(url(c), {"action": "<b>détruire</b>"}, follow=True)
    assert response.status_code == 200
    assert "Cette action n'existe pas." in page(response)


def test_the_schedule_is_read_as_paris_time(client):
    """« 09:15 » typed is 09:15 in Europe/Paris, whatever the server's zone."""
    c = shortlisted_manager(client)
    assert schedule_post(client, c, place="SGMAP").status_code == 302
    when = Audition.objects.get(dossier=c.dossier).scheduled_at
    local = timezone.localtime(when, PARIS)
    assert (local.hour, local.minute) == (9, 15)
    assert re.search(r"9 h 15", page(client.get(url(c))))


def test_the_team_hears_of_the_audition_date_and_reaches_it_from_the_dossier(
    client, django_capture_on_commit_callbacks
):
    """Once the audition is set, the sponsor, lead and team are notified of its date (not the
    partner's representative nor the experts), with a link to the audition's page; the dossier's
    side menu links it too."""
    from notifications.models import Notification

    c = case()
    services.dossier_shortlist(actor=c.people["manager"], dossier=c.dossier)
    with django_capture_on_commit_callbacks(execute=True):
        services.audition_schedule(
            actor=c.people["manager"],
            dossier=c.dossier,
            scheduled_at=soon(),
            place="SGMAP, salle 301",
            video_url="https://visio.example.gouv.fr/labo",
        )
    told = Notification.objects.filter(summary__startswith="L'audition du dossier")
    assert {n.recipient for n in told} == {c.people[w] for w in ("lead", "sponsor", "team")}
    assert all(n.url == url(c) for n in told)
    assert "14 h 30" in told.first().summary
    client.force_login(c.people["team"])
    overview = page(client.get(url(c, "dossier")))
    assert 'data-testid="audition-link"' in overview
    assert url(c) in overview
