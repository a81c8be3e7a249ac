"""The platform's French, read as an agent reads it: the main pages of the demo data and the
e-mails it sends never say « de Élodie Robert » (« d'Élodie Robert »), « il y a 0 minute »
(« à l'instant »), an abbreviated month (« 6 déc. 2026 ») or a numeric date (« 06/12/2026 ») where
the platform writes « 6 décembre 2026 à 14 h 05 ».

The demo data has agents whose names start with a vowel (Élodie Robert, who writes in the chat
and comments; Erwan Kerjean, the demo agent): Élodie Robert writes privately to Erwan Kerjean,
and the animator refuses his pending request, so that notifications, e-mails and messages carry
their names after « de ». The pages are those the personas reach by following links from the
main pages, every announcement and every members page.
"""

import re
from collections import deque
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from chat import services as chat_services
from communities.models import Announcement, AnnouncementComment, Community, Membership
from directory.models import Agent

pytestmark = pytest.mark.django_db

PERSONAS = ("admin@demo.gouv.fr", "animateur@demo.gouv.fr", "agent@demo.gouv.fr")
SEEDS = [
    "/",
    "/communautes/",
    "/communautes/?mine=1",
    "/annuaire/",
    "/messagerie/",
    "/notifications/",
]
PAGES_PER_PERSONA = 90
SKIPPED = re.compile(
    r"^/(admin|cms-admin|documents|deconnexion|static|media)/|/photo/|/fichiers?/|\.(json|vcf)$"
    r"|/export|/telecharger|/pieces-jointes/"
)
# « de » is elided before a vowel; Y and H are left out (« de Yann », « de Hugues »).
VOWEL_INITIAL = re.compile(r"^[AEIOUÀÂÄÉÈÊËÎÏÔÖÙÛÜŒÆ]", re.IGNORECASE)
ABBREVIATED_MONTH = re.compile(
    r"\b\d{1,2} (?:janv|févr|avr|juil|sept|oct|nov|déc)\b\.?", re.IGNORECASE
)
NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
CLOCK_TIME = re.compile(r"\bà \d{1,2}:\d{2}\b")
ZERO_AGO = re.compile(r"il y a 0\b")


class Text(HTMLParser):
    """What a reader reads or hears: the text, and the alt, title and aria-label attributes;
    the links, for the walk."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.links = [], []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ("alt", "title", "aria-label"):
            if attrs.get(name):
                self.parts.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def read(html):
    parser = Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts)), parser.links


def faults(text, names):
    """The French faults in ``text``: « de » before a vowel-initial name, « il y a 0 »,
    abbreviated months, numeric dates, « à 14:05 »."""
    found = [f"« {m.group(0)} »" for m in names.finditer(text)]
    for pattern in (ZERO_AGO, ABBREVIATED_MONTH, NUMERIC_DATE, CLOCK_TIME):
        found += [f"« {m.group(0)} »" for m in pattern.finditer(text)]
    return found


def walk(client, seeds, limit):
    """GET the seeds, then the pages their links lead to, breadth first, up to ``limit``."""
    queue, seen, pages = deque(seeds), set(), {}
    while queue and len(pages) < limit:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc or not parts.path.startswith("/"):
            continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        key = parts.path
        if key in seen or SKIPPED.search(parts.path):
            continue
        seen.add(key)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        text, links = read(response.content.decode())
        pages[url] = text
        queue.extend(links)
    return pages


def seeds():
    """The main pages, then every announcement (where the comments' authors are named) and
    every community's members page."""
    urls = list(SEEDS)
    urls += [announcement.get_absolute_url() for announcement in Announcement.objects.all()]
    urls += [
        reverse("communities:members", args=[slug])
        for slug in Community.objects.values_list("slug", flat=True)
    ]
    return urls


@pytest.fixture
def demo(django_capture_on_commit_callbacks, mailoutbox, settings):
    """The demo data, with its notifications and e-mails; then Élodie Robert writes privately to
    the demo agent, who also asks to join a community the animator refuses him."""
    settings.CHAT_RATE_LIMIT = 10_000
    with django_capture_on_commit_callbacks(execute=True), open("/dev/null", "w") as quiet:  # noqa: PTH123
        call_command("load_demo_data", stdout=quiet)
    elodie = Agent.objects.get(first_name="Élodie", last_name="Robert")
    agent = Agent.objects.get(email="agent@demo.gouv.fr")
    animator = Agent.objects.get(email="animateur@demo.gouv.fr")
    with django_capture_on_commit_callbacks(execute=True):
        room = chat_services.direct_open(agent=elodie, other=agent)
        chat_services.message_send(
            agent=elodie,
            room=room,
            body="Bonjour Erwan, as-tu le modèle d'arrêté ?",
            client_id="0b7c1a52-5d1e-4f0e-9a8e-2f1d3c4b5a69",
        )
    return {"elodie": elodie, "agent": agent, "animator": animator}


def test_pages_and_e_mails_speak_correct_french(demo, mailoutbox):
    """No « de » before a vowel-initial agent's name, no « il y a 0 », no abbreviated month, no
    numeric date or « à 14:05 » on the pages the personas reach or in the e-mails sent; and the
    elided form does show up, so the scan read what it had to."""
    # The scan means something: Élodie Robert and Erwan Kerjean, the demo agent, are agents.
    assert demo["elodie"].is_active
    assert VOWEL_INITIAL.match(demo["agent"].first_name)
    names = sorted(
        {
            name
            for agent in Agent.objects.filter(is_active=True)
            for name in (agent.display_name, agent.first_name)
            if VOWEL_INITIAL.match(name)
        },
        key=len,
        reverse=True,
    )
    assert "Élodie Robert" in names
    bad_de = re.compile(r"\bde (?:" + "|".join(map(re.escape, names)) + r")\b")
    good_de = re.compile(r"\bd['’](?:" + "|".join(map(re.escape, names)) + r")\b")

    report, elided = [], []
    for email in PERSONAS:
        client = Client()
        client.force_login(Agent.objects.get(email=email))
        pages = walk(client, seeds(), PAGES_PER_PERSONA)
        assert len(pages) > 20, pages.keys()
        for url, text in pages.items():
            report += [f"{email} {url}: {fault}" for fault in faults(text, bad_de)]
            elided += good_de.findall(text)

    assert mailoutbox, "the demo and the private message send e-mails"
    for message in mailoutbox:
        parts = [message.subject, message.body]
        parts += [read(unescape(content))[0] for content, _type in message.alternatives]
        for part in parts:
            report += [f"e-mail « {message.subject} »: {fault}" for fault in faults(part, bad_de)]
            elided += good_de.findall(part)
    assert report == []
    assert elided, "no « d'Élodie … » read anywhere: the scan missed the names"
    # The private message's notification and e-mail subject.
    subjects = [message.subject for message in mailoutbox]
    assert "[Maillage] Nouveau message privé d'Élodie Robert" in subjects


def test_a_refused_request_names_the_agent_with_the_elision(demo, client):
    """The animator refuses Erwan Kerjean's request: « La demande d'Erwan Kerjean a été
    refusée. », not « de Erwan »."""
    animated = Membership.objects.filter(
        agent=demo["animator"], role=Membership.Role.ANIMATOR, state=Membership.State.ACTIVE
    ).values("community")
    membership = Membership.objects.select_related("community").get(
        agent=demo["agent"], state=Membership.State.REQUESTED, community__in=animated
    )
    client.force_login(demo["animator"])
    response = client.post(
        reverse(
            "communities:member_action", args=[membership.community.slug, membership.pk, "refuse"]
        ),
        {"reason": "Réservée aux agents d'Occitanie."},
        follow=True,
    )
    text = read(response.content.decode())[0]
    assert "La demande d'Erwan Kerjean a été refusée." in text


def test_reporting_a_comment_names_what_is_reported(demo, client):
    """The report page of a comment says « le contenu suivant (commentaire) », never « Vous
    signalez commentaire suivant »."""
    comment = AnnouncementComment.objects.select_related("announcement__community").first()
    community = comment.announcement.community
    reporter = (
        Membership.objects.filter(
            community=community, state=Membership.State.ACTIVE, role=Membership.Role.MEMBER
        )
        .exclude(agent=comment.author)
        .first()
        .agent
    )
    client.force_login(reporter)
    content_type = ContentType.objects.get_for_model(comment)
    response = client.get(
        reverse("communities:report", args=[community.slug, content_type.pk, comment.pk])
    )
    assert response.status_code == 200
    text = read(response.content.decode())[0]
    assert "Vous signalez à l'animation de la communauté le contenu suivant (commentaire)" in text
    assert "signalez commentaire" not in text
