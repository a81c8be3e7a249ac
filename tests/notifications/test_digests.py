"""The daily and weekly digests: what they carry, how one unsubscribes from them, and their
schedule over a simulated week (fake clock, restarts, two schedulers, a 30-hour downtime)."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.conf import settings
from django.core import signing

from chat import services as chat
from chat.models import Message
from communities import services as communities
from maillage.french import de
from notifications import services
from notifications.models import DigestDelivery, Email, Notification
from notifications.services import NotificationError
from tests.factories import (
    AgentFactory,
    AnnouncementFactory,
    CommunityFactory,
    MembershipFactory,
)
from tests.notifications.conftest import local, make_notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_failed_tasks")]

SECRET = "Cellule de crise Ouessant"
FRENCH_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _token(url):
    return re.search(r"/notifications/desabonnement/([^/]+)/", url).group(1)


def _to(mailoutbox, agent):
    return [message for message in mailoutbox if message.to == [agent.email]]


def _tick(run_on_commit, moment):
    with run_on_commit():
        return services.digest_tick(now=moment)


@pytest.fixture
def anne(db):
    return AgentFactory(first_name="Anne", last_name="Le Gall", email="anne@ddtm.gouv.fr")


@pytest.fixture
def digest_world(anne, run_on_commit):
    """Anne's week, everything in the weekly digest: an announcement in each of two communities,
    a private message, one announcement of a secret community she then left, one mention whose
    message was then deleted."""
    for kind in ("mention", "direct_message", "join_request", "request_answered", "invitation"):
        services.preference_set(agent=anne, kind=kind, in_app=True, email=Email.WEEKLY)
    water = CommunityFactory(name="Eau potable")
    wetlands = CommunityFactory(name="Zones humides")
    secret = CommunityFactory(name=SECRET, private_secret=True)
    animators = {}
    for community in (water, wetlands, secret):
        animators[community] = MembershipFactory(community=community, animator=True).agent
        MembershipFactory(community=community, agent=anne)
    author = MembershipFactory(community=water).agent
    with run_on_commit():
        communities.announcement_create(
            community=water, actor=animators[water], title="Relevés de mars", body="…"
        )
        communities.announcement_create(
            community=wetlands, actor=animators[wetlands], title="Sortie terrain", body="…"
        )
        communities.announcement_create(
            community=secret, actor=animators[secret], title="Exercice Ouessant", body="…"
        )
        chat.message_send(
            agent=author,
            room=chat.direct_open(agent=author, other=anne),
            body="Tu as deux minutes ?",
            client_id="digest-direct-1",
        )
        mention = chat.message_send(
            agent=author,
            room=chat.room_for_community(water),
            body="@Anne Le Gall regarde ça",
            client_id="digest-mention-1",
        )
    assert Notification.objects.filter(recipient=anne, email=Email.WEEKLY).count() == 5
    # After the notifications were made: the message is deleted, Anne leaves the secret one.
    chat.message_delete(agent=author, message=Message.objects.get(pk=mention.pk))
    communities.community_leave(community=secret, agent=anne)
    return author


# --- what a digest carries ----------------------------------------------------------------------


def test_digest_content(anne, digest_world, run_on_commit, mailoutbox):
    """One weekly e-mail, text and HTML, in French, grouped by community (then the private
    messages), with only what Anne may still see, and one unsubscribe link per kind it carries
    plus one for the whole digest."""
    _tick(run_on_commit, Notification.objects.latest("created_at").created_at + timedelta(days=8))
    (message,) = _to(mailoutbox, anne)
    assert message.subject == (
        "[Maillage] Votre résumé hebdomadaire : 3 nouveautés dans vos communautés"
    )
    text = message.body
    author = digest_world.display_name
    assert text.startswith("Bonjour Anne,\n\nVoici votre résumé hebdomadaire : 3 nouveautés")
    sections = re.findall(r"^== (.+) ==$", text, re.MULTILINE)
    assert sections == ["Eau potable", "Zones humides", "Messagerie et compte"]
    # Each item with its date in the platform's one format: « 6 décembre 2026 à 14 h 05 ».
    items = re.findall(
        r"^- (.+) \((\d{1,2}(?:er)? (\w+) \d{4} à \d{1,2} h \d\d)\)$", text, re.MULTILINE
    )
    assert [summary for summary, _date, _month in items] == [
        "Nouvelle annonce dans « Eau potable » : Relevés de mars",
        "Nouvelle annonce dans « Zones humides » : Sortie terrain",
        f"Nouveau message privé {de(author)}",
    ]
    assert all(month in FRENCH_MONTHS for _summary, _date, month in items)
    assert text.index("Relevés de mars") < text.index("== Zones humides ==")
    assert text.index("Sortie terrain") < text.index("== Messagerie et compte ==")
    html = unescape(message.alternatives[0].content)
    assert message.alternatives[0].mimetype == "text/html"
    for heading in ("Eau potable", "Zones humides", "Messagerie et compte"):
        assert re.search(rf"<h2[^>]*>{heading}</h2>", html)
    assert "Voici votre résumé hebdomadaire : 3 nouveautés dans vos communautés." in html
    # What Anne may no longer see is absent: the deleted mention, the secret community.
    for absent in ("vous mentionne", "regarde ça", SECRET, "Exercice Ouessant"):
        for part in (message.subject, text, html):
            assert absent not in part
    # One link per kind carried, plus the whole digest's, in the text and in the HTML.
    links = dict(re.findall(r"^- (.+?) : (http\S+)$", text, re.MULTILINE))
    assert set(links) == {"Annonces", "Messages privés", "tout ce résumé"}
    assert services.unsubscribe_read(_token(links["Annonces"]))[1].key == "announcement"
    assert services.unsubscribe_read(_token(links["Messages privés"]))[1].key == "direct_message"
    assert services.unsubscribe_read(_token(links["tout ce résumé"])) == (anne, "digest-weekly")
    for url in links.values():
        assert url.startswith(settings.SITE_URL) and url in html
    assert message.message()["List-Unsubscribe"] == f"<{links['tout ce résumé']}>"
    assert message.message()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Everything considered is done with, the hidden ones included: nothing comes back.
    assert not Notification.objects.filter(recipient=anne, emailed_at=None).exists()
    delivery = DigestDelivery.objects.get(agent=anne)
    assert (delivery.frequency, delivery.items) == (Email.WEEKLY, 3)
    assert delivery.sent_at is not None


def test_digest_of_nothing_visible_is_not_sent(run_on_commit, mailoutbox):
    """An agent whose only waiting notification is about a secret community they left gets no
    e-mail at all, and the notification never comes back."""
    secret = CommunityFactory(name=SECRET, private_secret=True)
    animator = MembershipFactory(community=secret, animator=True).agent
    agent = MembershipFactory(community=secret).agent
    with run_on_commit():
        communities.announcement_create(community=secret, actor=animator, title="A", body="B")
    communities.community_leave(community=secret, agent=agent)
    later = Notification.objects.get().created_at + timedelta(days=8)
    _tick(run_on_commit, later)
    assert mailoutbox == []
    assert DigestDelivery.objects.get(agent=agent).items == 0
    _tick(run_on_commit, later + timedelta(days=7))
    assert mailoutbox == []
    assert DigestDelivery.objects.filter(agent=agent).count() == 1


def test_one_item_digest_subject_is_singular(run_on_commit, mailoutbox):
    """« 1 nouveauté », not « 1 nouveautés », in the subject and the text."""
    community = CommunityFactory(name="Eau potable")
    animator = MembershipFactory(community=community, animator=True).agent
    MembershipFactory(community=community)
    with run_on_commit():
        communities.announcement_create(community=community, actor=animator, title="A", body="B")
    _tick(run_on_commit, Notification.objects.get().created_at + timedelta(days=8))
    (message,) = mailoutbox
    assert message.subject == (
        "[Maillage] Votre résumé hebdomadaire : 1 nouveauté dans vos communautés"
    )
    assert "Voici votre résumé hebdomadaire : 1 nouveauté dans vos communautés." in message.body


def test_closed_account_gets_no_digest(run_on_commit, mailoutbox):
    """An account closed while notifications waited for its digest is e-mailed nothing (its
    address is no longer theirs)."""
    from directory.services import agent_close_account

    community = CommunityFactory()
    animator = MembershipFactory(community=community, animator=True).agent
    member, stayer = (MembershipFactory(community=community).agent for _ in range(2))
    with run_on_commit():
        communities.announcement_create(community=community, actor=animator, title="A", body="B")
    address = member.email
    agent_close_account(agent=member)
    _tick(run_on_commit, Notification.objects.latest("created_at").created_at + timedelta(days=8))
    assert [m.to for m in mailoutbox] == [[stayer.email]]
    assert address != stayer.email


# --- unsubscribing -----------------------------------------------------------------------------


def test_unsubscribe_stops_that_kind_by_email_and_keeps_it_in_the_app(
    anne, digest_world, run_on_commit, mailoutbox
):
    """The link of one kind sets its e-mail to none and keeps it in the app; what was waiting
    for the digest is not e-mailed any more but stays in the centre; other kinds still go."""
    services.unsubscribe(services.unsubscribe_token(anne, "announcement"))
    assert services.preferences_of([anne.pk], "announcement")[anne.pk] == (True, Email.NONE)
    assert services.preferences_of([anne.pk], "direct_message")[anne.pk] == (True, Email.WEEKLY)
    assert Notification.objects.filter(recipient=anne, kind="announcement").count() == 3
    assert anne.__class__.objects.get(pk=anne.pk).notifications_unread == 5
    _tick(run_on_commit, Notification.objects.latest("created_at").created_at + timedelta(days=8))
    (message,) = _to(mailoutbox, anne)
    assert "Nouvelle annonce" not in message.body
    assert "Nouveau message privé" in message.body


def test_unsubscribe_keeps_the_in_app_choice(anne):
    """An agent who had turned a kind off in the app keeps it off; only the e-mail changes."""
    services.preference_set(agent=anne, kind="report", in_app=False, email=Email.DAILY)
    agent, kind = services.unsubscribe(services.unsubscribe_token(anne, "report"))
    assert (agent, kind.key) == (anne, "report")
    assert services.preferences_of([anne.pk], "report")[anne.pk] == (False, Email.NONE)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.replace(":", ":x", 1),
        lambda token: signing.dumps({"a": 1, "k": "announcement"}),  # another salt
        lambda token: signing.dumps({"a": 1, "k": "rumeur"}, salt=services.UNSUBSCRIBE_SALT),
        lambda token: "",
    ],
    ids=["last-character", "inserted", "other-salt", "unknown-kind", "empty"],
)
def test_tampered_token_is_refused(tamper, anne):
    """A modified or forged token raises NotificationError and changes nothing."""
    token = services.unsubscribe_token(anne, "announcement")
    with pytest.raises(NotificationError, match="lien de désabonnement n'est pas valide"):
        services.unsubscribe(tamper(token))
    assert services.preferences_of([anne.pk], "announcement")[anne.pk] == (True, Email.WEEKLY)


def test_token_of_a_closed_account_is_refused(anne):
    """A link of an account closed since does nothing."""
    from directory.services import agent_close_account

    token = services.unsubscribe_token(anne, "announcement")
    agent_close_account(agent=anne)
    with pytest.raises(NotificationError):
        services.unsubscribe(token)


def test_digest_wide_token_stops_every_kind_of_that_frequency(
    anne, digest_world, run_on_commit, mailoutbox
):
    """The whole weekly digest's link turns off the e-mail of every weekly kind (and what was
    waiting for it), and leaves the daily and immediate ones as they were."""
    services.preference_set(agent=anne, kind="report", in_app=True, email=Email.DAILY)
    services.preference_set(agent=anne, kind="mention", in_app=False, email=Email.IMMEDIATE)
    services.unsubscribe(services.unsubscribe_token(anne, "digest-weekly"))
    expected = {
        "join_request": (True, Email.NONE),
        "request_answered": (True, Email.NONE),
        "invitation": (True, Email.NONE),
        "charter_version": (True, Email.NONE),
        "announcement": (True, Email.NONE),
        "direct_message": (True, Email.NONE),
        "report": (True, Email.DAILY),
        "mention": (False, Email.IMMEDIATE),
    }
    assert {k: services.preferences_of([anne.pk], k)[anne.pk] for k in expected} == expected
    _tick(run_on_commit, Notification.objects.latest("created_at").created_at + timedelta(days=8))
    assert _to(mailoutbox, anne) == []
    assert len(mailoutbox) == 1  # the author's own digest still goes


# --- the schedule over a simulated week ---------------------------------------------------------

# (label, created at, how it is e-mailed, to whom). Summer time starts on Sunday 29 March 2026.
SCHEDULE = [
    ("D1", (2026, 3, 26, 10, 0), Email.DAILY, "D"),
    ("D2", (2026, 3, 26, 18, 30), Email.DAILY, "D"),
    ("D3", (2026, 3, 27, 6, 59), Email.DAILY, "D"),
    ("D4", (2026, 3, 27, 7, 0), Email.DAILY, "D"),  # at the digest's hour: the next one
    ("D5", (2026, 3, 28, 23, 0), Email.DAILY, "D"),
    ("D6", (2026, 3, 30, 12, 0), Email.DAILY, "D"),
    ("D7", (2026, 3, 31, 9, 0), Email.DAILY, "D"),  # made while the scheduler is down
    ("D8", (2026, 4, 1, 8, 0), Email.DAILY, "D"),
    ("D9", (2026, 4, 2, 12, 0), Email.DAILY, "D"),
    ("W1", (2026, 3, 26, 11, 0), Email.WEEKLY, "W"),
    ("W2", (2026, 3, 29, 20, 0), Email.WEEKLY, "W"),
    ("W3", (2026, 3, 30, 6, 30), Email.WEEKLY, "W"),
    ("W4", (2026, 3, 30, 7, 30), Email.WEEKLY, "W"),  # after Monday's digest: next Monday
    ("M1", (2026, 3, 29, 10, 0), Email.DAILY, "M"),
    ("M2", (2026, 3, 27, 15, 0), Email.WEEKLY, "M"),
    ("M3", (2026, 4, 1, 2, 0), Email.DAILY, "M"),  # made while the scheduler is down
]
START, END = local(2026, 3, 26, 0, 0), local(2026, 4, 3, 9, 0)
# The scheduler is down for 30 hours: no tick from Tuesday 04:00 to Wednesday 10:00.
DOWN_FROM, DOWN_UNTIL = local(2026, 3, 31, 4, 0), local(2026, 4, 1, 10, 0)
STEP = timedelta(minutes=15)

# (when it went out, to whom, which digest, what it carried), written out by hand.
EXPECTED_DIGESTS = [
    ((2026, 3, 27, 7, 0), "D", "quotidien", ["D1", "D2", "D3"]),
    ((2026, 3, 28, 7, 0), "D", "quotidien", ["D4"]),
    ((2026, 3, 29, 7, 0), "D", "quotidien", ["D5"]),
    ((2026, 3, 30, 7, 0), "M", "hebdomadaire", ["M2"]),
    ((2026, 3, 30, 7, 0), "M", "quotidien", ["M1"]),
    ((2026, 3, 30, 7, 0), "W", "hebdomadaire", ["W1", "W2", "W3"]),
    # Tuesday's 07:00 fell in the downtime: what waited goes in the first digest after it.
    ((2026, 4, 1, 10, 0), "D", "quotidien", ["D6", "D7"]),
    ((2026, 4, 1, 10, 0), "M", "quotidien", ["M3"]),
    ((2026, 4, 2, 7, 0), "D", "quotidien", ["D8"]),
    ((2026, 4, 3, 7, 0), "D", "quotidien", ["D9"]),
]
EXPECTED_PERIODS = {
    "D": {("daily", p) for p in ("2026-03-27", "2026-03-28", "2026-03-29")}
    | {("daily", p) for p in ("2026-04-01", "2026-04-02", "2026-04-03")},
    "W": {("weekly", "2026-W14")},
    "M": {("daily", "2026-03-30"), ("weekly", "2026-W14"), ("daily", "2026-04-01")},
}


def test_a_week_of_digests(run_on_commit, mailoutbox):
    """Over 8 days, ticking every 15 minutes (twice at each instant, as two schedulers would,
    each call starting from nothing in memory as after a restart) with a 30-hour downtime: one
    daily digest per day that had something waiting, one weekly digest on Monday, nothing
    e-mailed twice, nothing skipped after the downtime, nothing left at the end."""
    # The schedule is written for digests at 07:00, Paris time.
    assert (settings.NOTIFICATIONS_DIGEST_HOUR, settings.TIME_ZONE) == (7, "Europe/Paris")
    community = CommunityFactory(name="Eau potable")
    agents = {}
    for label in ("D", "W", "M"):
        agents[label] = AgentFactory(first_name=label, email=f"{label.lower()}@ddtm.gouv.fr")
        MembershipFactory(community=community, agent=agents[label])
    announcement = AnnouncementFactory(community=community)
    by_email = {agent.email: label for label, agent in agents.items()}
    waiting = sorted(SCHEDULE, key=lambda item: item[1])

    sent = []

    def tick(moment):
        while waiting and local(*waiting[0][1]) <= moment:  # made when the clock reaches it
            label, created, email, to = waiting.pop(0)
            make_notification(
                agents[to],
                "announcement",
                announcement,
                created_at=local(*created),
                email=email,
                community=community,
                summary=f"Point {label}",
            )
        before = len(mailoutbox)
        _tick(run_on_commit, moment)
        _tick(run_on_commit, moment)  # a second scheduler at the same instant
        for message in mailoutbox[before:]:
            frequency = re.search(r"résumé (\w+)", message.subject).group(1)
            items = sorted(re.findall(r"^- Point ([DWM]\d) \(", message.body, re.MULTILINE))
            sent.append((moment, by_email[message.to[0]], frequency, items))

    moment = START
    while moment <= END:
        if not DOWN_FROM <= moment < DOWN_UNTIL:
            tick(moment)
        moment += STEP
    tick(DOWN_FROM)  # a scheduler restarted with a clock late by two days sends nothing again

    expected = [(local(*when), who, what, items) for when, who, what, items in EXPECTED_DIGESTS]
    assert sorted(sent) == sorted(expected)
    carried = [item for *_rest, items in sent for item in items]
    assert len(carried) == len(set(carried))  # nothing twice
    for label, agent in agents.items():
        periods = set(DigestDelivery.objects.filter(agent=agent).values_list("frequency", "period"))
        assert periods == EXPECTED_PERIODS[label], label
    # At the end only W4 waits, for next Monday's weekly digest, which carries it.
    assert list(Notification.objects.filter(emailed_at=None).values_list("summary", flat=True)) == [
        "Point W4"
    ]
    tick(local(2026, 4, 6, 7, 0))
    assert sent[-1] == (local(2026, 4, 6, 7, 0), "W", "hebdomadaire", ["W4"])
    assert not Notification.objects.filter(emailed_at=None).exists()
    assert len(sent) == len(EXPECTED_DIGESTS) + 1
