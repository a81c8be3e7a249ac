"""Bad input everywhere: every URL pattern's query parameters and every form of the platform get
NUL, a control character, a lone surrogate, bidirectional controls and 100 KB strings. The answer
is a 4xx with a French reason, or the page with a French error message, or — for what is text
and not an error (bidi controls, an over-long search) — an ordinary page; never a 500.

The platform is walked as its users walk it: the demo data is loaded, then four personas (the
administrator, an animator, an agent, an anonymous visitor) follow every link and every form from
the main pages, one page per URL pattern. Each query parameter a page's links or forms use, or its
view's module reads from ``request.GET``, is sent bad values; each form is posted with each of its
text fields bad in turn, inside a savepoint rolled back after the request. The test fails if a URL
pattern of the platform was not reached (a new page must be reachable, or listed below with the
reason it is not).

Over HTTP a lone surrogate can only arrive as the bytes UTF-8 would give it (``%ED%A0%80``),
which Django decodes as U+FFFD: the answer must simply not be a 500. Over the WebSocket it
arrives as a JSON escape: tests/chat/test_consumer_bad_input.py.

The same file runs again on PostgreSQL (tests/integration/test_bad_input_on_postgresql.py), which
refuses NUL in text where SQLite stores it silently.
"""

import inspect
import re
from collections import defaultdict, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from communities.content import moderation
from directory.models import Agent

pytestmark = pytest.mark.django_db

BIG = "x" * 100_000
# name -> (query-string or form-body fragment of the value, whether the edge must refuse it)
BAD_VALUES = {
    "nul": (quote_plus("ab\x00cd"), True),
    "contrôle": (quote_plus("ab\x1bcd"), True),
    "demi-caractère isolé": (quote_plus("ab\ud800cd".encode("utf-8", "surrogatepass")), False),
    "bidi": (quote_plus("facture\u202efdp.exe\u2066x\u2069"), False),
    "100 Ko": (BIG, False),
}
REFUSAL = "contient un caractère"
ERROR_MARKERS = (
    "fr-error-text",
    "fr-message--error",
    "fr-alert--error",
    "fr-input-group--error",
    "fr-input--error",
    "fr-select-group--error",
    "errorlist",
)
PERSONAS = {
    "administrateur": "admin@demo.gouv.fr",
    "animateur": "animateur@demo.gouv.fr",
    "agent": "agent@demo.gouv.fr",
    "visiteur": None,
}
SEEDS = [
    "/",
    "/communautes/",
    "/communautes/?mine=1",
    "/annuaire/",
    "/annuaire/?q=eau",
    "/messagerie/",
    "/notifications/",
    "/notifications/preferences/",
    "/compte/",
    "/connexion/",
    "/inscription/",
    "/mot-de-passe/oubli/",
    "/mot-de-passe/changer/",
    "/healthz",
]
# Never followed nor posted: they end the persona's session or leave the platform's pages.
SKIPPED_PREFIXES = ("/admin/", "/cms-admin/", "/documents/", "/static/", "/media/")
SKIPPED_ROUTES = {"logout"}
# Patterns the walk cannot reach, each with its reason; everything else must be reached.
UNREACHED = {
    "favicon": "a redirect to a static file",
    "logout": "ends the persona's session (a POST without text field)",
    "wiki:preview": "the editor's preview tab, posted by wiki-editor.js (htmx); without "
    "JavaScript the editor's own « Prévisualiser » button (tests/wiki/test_bad_input.py)",
    "ideas:similar": "the similar ideas shown under an idea's title as it is typed, fetched by "
    "htmx (hx-get on the field); without JavaScript « Vérifier les idées similaires » shows them "
    "in the form (tests/ideas/test_bad_input.py)",
    "documents:thumbnail": "a picture (<img>) in a folder's list, made by a task that runs on "
    "commit, never in the walk's transaction; it takes no parameter (tests/documents/"
    "test_preview.py)",
    "search:suggestions": "the header's search box's suggestions, fetched by htmx (hx-get on the "
    "box) as an agent types; without JavaScript the box's form is submitted to the search page "
    "(tests/search/test_pages.py)",
    "calls:deposit": "« Déposer le dossier » shows on a complete draft only, which the demo's "
    "draft is not (its gate says what is missing); a form without a text field "
    "(tests/calls/test_dossier_views.py)",
    "calls:piece": "a dossier's uploaded piece; the demo uploads none (the walk sends no file); "
    "its forged ids and permission checks: tests/calls/test_dossier_views.py",
    "calls:piece_delete": "the deletion of an uploaded piece (see calls:piece)",
    "calls:originals": "the receipt of a scanned piece's paper originals (see calls:piece)",
    # A dossier's evaluation page shows the forms of its state only, and the walk opens one
    # page per pattern: the forms of the other states are walked by their own tests.
    "calls:decide": "the steering committee's decision, on a reviewed dossier's evaluation page "
    "(tests/calls/test_evaluation_views.py)",
    "calls:community": "« Créer la communauté », on a selected dossier's evaluation page "
    "(tests/calls/test_evaluation_views.py)",
    "calls:consent": "the innovators' registry consent, on a promising dossier's evaluation page "
    "(tests/calls/test_evaluation_views.py)",
    "calls:screen": "the screening of a deposited dossier, on its evaluation page: whether the "
    "walk opens that dossier's page first depends on the database's order of equal dates "
    "(tests/calls/test_evaluation_views.py)",
    "calls:assign": "the experts' assignment, on a deposited or evaluated dossier's page (see "
    "calls:screen)",
    "calls:opinion": "the reasoned opinion, on an evaluated dossier's page (see calls:screen)",
    # The follow-up's forms of a state or a moment the demo's projects are not at.
    "calls:convention_lift": "the lifting of a running convention's suspensive conditions; the "
    "demo's conventions have none (tests/calls/test_convention_views.py)",
    "calls:tranche_step": "the next step of a payable tranche; the demo's payable tranche has "
    "gone through its four steps (tests/calls/test_convention_views.py, test_tranches.py)",
    "calls:report_submit": "the report's upload, for a running project's lead or sponsor, whom "
    "no persona is (a file upload besides: tests/calls/test_follow_up_views.py)",
    "calls:project_close": "« Clore le projet », once the final review is written; the demo's "
    "project with a final report waits for its review (tests/calls/test_follow_up_views.py)",
}
# Third-party back-offices (Django's admin, Wagtail's, its documents): their own test suites.
UNREACHED_PREFIXES = ("admin/", "cms-admin/", "documents/")
# Wagtail's own views for password-protected and private pages (the platform has none).
UNREACHED_PREFIXES += ("_util/",)
TEXT_INPUTS = {
    "text",
    "email",
    "search",
    "url",
    "tel",
    "password",
    "hidden",
    "number",
    "date",
    "datetime-local",
    "time",
    "textarea",
}
GET_PARAM = re.compile(r"""request\.GET(?:\.get|\.getlist)?\(\s*["']([\w-]+)["']""")
GET_ITEM = re.compile(r"""request\.GET\[\s*["']([\w-]+)["']\s*\]""")


class Page(HTMLParser):
    """The links and forms of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.forms = [], []
        self._form, self._textarea, self._select = None, None, None
        self._template = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":  # a row a script clones (a formset's empty form): not sent
            self._template += 1
        if self._template:
            return
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "fields": [],
                "submit": None,
            }
            self.forms.append(self._form)
        elif self._form is None or not attrs.get("name"):
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "image"):
                self._form["submit"] = self._form["submit"] or (attrs["name"], attrs.get("value"))
            elif kind == "checkbox":
                if "checked" in attrs:
                    self._form["fields"].append((attrs["name"], kind, attrs.get("value") or "on"))
            elif kind == "radio":
                # The checked one, else the first of the group.
                if "checked" in attrs or not any(
                    name == attrs["name"] for name, *_ in self._form["fields"]
                ):
                    self._set(attrs["name"], kind, attrs.get("value") or "on")
            elif kind != "file":
                self._set(attrs["name"], kind, attrs.get("value") or "")
        elif tag == "button" and (attrs.get("type") or "submit") == "submit":
            self._form["submit"] = self._form["submit"] or (attrs["name"], attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]
        elif tag == "select":
            self._select = [attrs["name"], None, "multiple" in attrs]
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select[1] is None or "selected" in attrs:
                self._select[1] = value

    def _set(self, name, kind, value):
        fields = self._form["fields"]
        fields[:] = [field for field in fields if field[0] != name or kind not in ("radio",)]
        fields.append((name, kind, value))

    def handle_data(self, data):
        if self._textarea is not None and not self._template:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "template":
            self._template -= 1
        if self._template:
            return
        if tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["fields"].append((self._textarea[0], "textarea", self._textarea[1]))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, value, _multiple = self._select
            self._form["fields"].append((name, "select", value or ""))
            self._select = None
        elif tag == "form":
            self._form = None


def _route(path):
    """``(view name, route)`` of a path of the platform, or None."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name or match._func_path, match.route, match


def _module_params(match):
    """The query parameters the view's module reads from ``request.GET``."""
    func = getattr(match.func, "view_class", match.func)
    module = inspect.getmodule(inspect.unwrap(func))
    if module is None:
        return set()
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        return set()
    return set(GET_PARAM.findall(source)) | set(GET_ITEM.findall(source))


def _local(url, base):
    """The path and query of a link of the platform (relative links resolved), or None."""
    if not url or url.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc and parts.netloc not in ("testserver", "127.0.0.1", "localhost"):
        return None
    path = parts.path or urlsplit(base).path
    if not path.startswith("/"):
        path = urlsplit(base).path.rsplit("/", 1)[0] + "/" + path
    if path.startswith(SKIPPED_PREFIXES):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


class Walk:
    """What the personas reached: one page per route, every form, every query parameter."""

    def __init__(self):
        self.pages = {}  # route -> (persona, url)
        self.params = defaultdict(set)  # route -> query parameters seen in links and forms
        self.forms = {}  # (route, field names) -> (persona, url, form)
        self.reached = set()  # view names reached by a GET or a POST
        self.failures = []

    def fail(self, message):
        self.failures.append(message)

    def crawl(self, persona, client, seeds, per_route=2):
        # The seeds are all visited; what they link to, ``per_route`` pages per URL pattern.
        queue, seen, visits, forced = deque(seeds), set(), defaultdict(int), set(seeds)
        while queue:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            path, _, query = url.partition("?")
            found = _route(path)
            if found is None:
                continue
            name, route, _match = found
            if name in SKIPPED_ROUTES or (visits[route] >= per_route and url not in forced):
                continue
            visits[route] += 1
            response = client.get(url)
            self.reached.add(name)
            if response.status_code >= 500:
                self.fail(f"{persona} GET {url}: {response.status_code}")
                continue
            for key, _value in parse_qsl(query, keep_blank_values=True):
                self.params[route].add(key)
            if response.status_code in (301, 302):
                target = _local(response["Location"], url)
                if target:
                    queue.append(target)
                continue
            if response.status_code != 200:
                continue
            self.pages.setdefault(route, (persona, url))
            if "text/html" not in response.get("Content-Type", ""):
                continue
            page = Page()
            page.feed(response.content.decode())
            for link in page.links:
                target = _local(link, url)
                if target:
                    queue.append(target)
            for form in page.forms:
                action = _local(form["action"], url) or url
                action_found = _route(action.partition("?")[0])
                if action_found is None or action_found[0] in SKIPPED_ROUTES:
                    continue
                if form["method"] == "get":
                    self.params[action_found[1]].update(name for name, *_ in form["fields"])
                    queue.append(action)
                    continue
                key = (action_found[1], tuple(sorted(name for name, *_ in form["fields"])))
                self.forms.setdefault(key, (persona, action, form))


def _client(email):
    # A server error is a 500 to record, not an exception that stops the walk.
    client = Client(raise_request_exception=False)
    if email:
        client.force_login(Agent.objects.get(email=email))
    return client


def _refused(response):
    return response.status_code == 400 and REFUSAL in response.content.decode()


def _body(fields, submit):
    pairs = [f"{quote_plus(name)}={quote_plus(value)}" for name, _kind, value in fields]
    if submit is not None and submit[0]:
        pairs.append(f"{quote_plus(submit[0])}={quote_plus(submit[1] or '')}")
    return "&".join(pairs)


def _post(client, url, body):
    """POST inside a savepoint rolled back afterwards: the next request finds the same world.
    Returns the response and, after a redirect, the text of the page it leads to (where a
    refusal's message is shown)."""
    with transaction.atomic():
        response = client.post(url, body, content_type="application/x-www-form-urlencoded")
        following = ""
        if response.status_code in (302, 303):
            target = _local(response["Location"], url)
            if target:
                following = client.get(target).content.decode(errors="replace")
        transaction.set_rollback(True)
    return response, following


def _check_get(walk, persona, client, route, url, param):
    path, _, query = url.partition("?")
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != param]
    prefix = path + "?" + (urlencode(kept) + "&" if kept else "")
    for label, (value, refused) in BAD_VALUES.items():
        response = client.get(f"{prefix}{quote_plus(param)}={value}")
        where = f"{persona} GET {route} ?{param}= {label}"
        if response.status_code >= 500:
            walk.fail(f"{where}: {response.status_code}")
        elif refused and not _refused(response):
            walk.fail(f"{where}: {response.status_code} without the French refusal")
        elif label == "100 Ko" and not (response.status_code == 400 and "dépasse" in response.text):
            walk.fail(f"{where}: {response.status_code}, not refused as too long")


def _check_form(walk, persona, client, url, form):
    base = list(form["fields"])
    for index, (name, kind, _value) in enumerate(base):
        if kind not in TEXT_INPUTS:
            continue
        for label, (value, refused) in BAD_VALUES.items():
            fields = [(n, k, v) for n, k, v in base]
            body = _body(fields[:index] + fields[index + 1 :], form["submit"])
            body += ("&" if body else "") + f"{quote_plus(name)}={value}"
            response, following = _post(client, url, body)
            where = f"{persona} POST {url} [{name}] {label}"
            if response.status_code >= 500:
                walk.fail(f"{where}: {response.status_code}")
            elif refused and not _refused(response):
                walk.fail(f"{where}: {response.status_code} without the French refusal")
            elif label == "100 Ko" and kind not in ("hidden", "search"):
                text = response.content.decode(errors="replace") + following
                if response.status_code < 400 and not any(m in text for m in ERROR_MARKERS):
                    walk.fail(f"{where}: accepted ({response.status_code}), no length limit")


def _all_routes():
    """Every named URL pattern of the platform: ``{view name: route}``."""
    found = {}

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                space = pattern.namespace or namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), space)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found[name] = prefix + str(pattern.pattern)

    walk(get_resolver().url_patterns, "", None)
    return found


def _token_urls():
    """Pages reached from an e-mail: a sign-up confirmation, a password reset, an external
    invitation, an unsubscribe link (made here as the e-mails make them)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from notifications.services import unsubscribe_token

    agent = Agent.objects.get(email="agent@demo.gouv.fr")
    uid = urlsafe_base64_encode(force_bytes(agent.pk))
    token = default_token_generator.make_token(agent)
    return [
        reverse("password_reset_confirm", args=[uid, token]),
        reverse("signup_confirm", args=[uid, token]),
        reverse("notifications:unsubscribe", args=[unsubscribe_token(agent, "announcement")]),
        reverse("communities:external_invitation", args=["jeton-inconnu"]),
        "/mot-de-passe/oubli/envoye/",
        "/mot-de-passe/reinitialise/",
        "/inscription/envoyee/",
    ]


WATER = "politique-de-l-eau-en-bretagne"


def _enrich():
    """What the demo data lacks for every page to exist: an open report, a muted member, a
    chat attachment, an invitation by e-mail, notifications (made on commit, which a test's transaction never reaches)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chat import services as chat_services
    from chat.models import Message
    from communities.models import Announcement, Community, Membership
    from notifications import services as notification_services
    from notifications.services import deliver

    animator = Agent.objects.get(email="animateur@demo.gouv.fr")
    agent = Agent.objects.get(email="agent@demo.gouv.fr")
    water = Community.objects.get(slug=WATER)
    colleague = (
        Membership.objects.filter(community=water, state=Membership.State.ACTIVE)
        .exclude(agent__in=[animator, agent])
        .exclude(role=Membership.Role.ANIMATOR)
        .first()
        .agent
    )
    message = Message.objects.filter(room__community=water, author=agent).first()
    moderation.report_create(agent=animator, content=message, reason="Hors sujet")
    chat_services.member_mute(
        agent=animator, community=water, member=colleague, minutes=60, reason="Calme"
    )
    chat_services.message_send(
        agent=animator,
        room=message.room,
        body="Le compte rendu",
        client_id="walk-attachment-1",
        attachment=SimpleUploadedFile("compte-rendu.txt", b"Compte rendu", "text/plain"),
    )
    notification_services.community_mute(agent=agent, community=water, kind="announcement")
    # A pending invitation by e-mail, which the members page lets the animator withdraw.
    from communities import services as community_services

    community_services.invite(community=water, actor=animator, email="nouvelle@exemple.fr")
    announcement = Announcement.objects.filter(community=water).first()
    from communities.content import services as content_services

    content_services.attach(
        target=announcement,
        upload=SimpleUploadedFile("ordre-du-jour.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        uploaded_by=animator,
    )
    for recipient in (agent, animator):
        deliver(
            kind="announcement",
            recipient_ids=[recipient.pk],
            target_type_id=_content_type(announcement),
            target_id=announcement.pk,
            community_id=water.pk,
            actor_id=None,
            summary=f"Nouvelle annonce : {announcement.title}",
            url=announcement.get_absolute_url(),
        )


def _content_type(instance):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(instance).pk


def _seeds(email):
    """The main pages, every community's home and room, and the JavaScript's own addresses."""
    from communities.models import Community

    seeds = [*SEEDS, "/notifications/non-lues.json", "/annuaire/competences/?q=urb"]
    seeds.append(f"/communautes/{WATER}/moderation/")
    from communities.models import Announcement

    # The announcement that carries a file (``_enrich``).
    seeds.append(Announcement.objects.filter(community__slug=WATER).first().get_absolute_url())
    from forums.models import Topic

    # The demo forum and each of its topics (``forums.demo``: a solved question, an edited post).
    seeds.append(f"/communautes/{WATER}/forum/")
    seeds += [topic.get_absolute_url() for topic in Topic.objects.filter(community__slug=WATER)]
    for slug in Community.objects.values_list("slug", flat=True):
        seeds += [f"/communautes/{slug}/", f"/messagerie/communaute/{slug}/"]
    seeds += [f"/agents/{pk}/photo/" for pk in Agent.objects.values_list("pk", flat=True)[:1]]
    seeds += _calls_seeds()
    return seeds + (_token_urls() if email is None else [])


def _calls_seeds():
    """Every call's page and retention page, and each dossier's pages of its state: the walk
    opens two pages per pattern from links, and the demo's dossiers stand at every step, each
    with the forms of its own state."""
    from django.urls import reverse

    from calls.models import Call, Dossier
    from calls.permissions import FOLLOWED

    seeds = ["/appels/", "/appels/suivi/", "/appels/retours-d-experience/"]
    for slug in Call.objects.values_list("slug", flat=True):
        seeds += [
            reverse(name, args=[slug]) for name in ("calls:call", "calls:roles", "calls:retention")
        ]
    for dossier in Dossier.objects.select_related("call"):
        args = [dossier.call.slug, dossier.pk]
        names = ["calls:dossier", "calls:evaluation"]
        if dossier.state == Dossier.State.DRAFT:
            names += ["calls:team", "calls:partners"]
        if dossier.state in FOLLOWED:
            names += ["calls:convention", "calls:tranches", "calls:indicators", "calls:follow_up"]
        if dossier.state == Dossier.State.AUDITION:
            names.append("calls:audition")
        seeds += [reverse(name, args=args) for name in names]
    return seeds


def test_every_form_and_query_parameter_survives_bad_input_and_every_page_is_walked(settings):
    """NUL and control characters are refused with a French reason; lone surrogates, bidi
    controls and 100 KB strings never make a 500, and a form never accepts 100 KB of text.
    Each named URL pattern is reached by a link or a form of some persona, or listed in
    UNREACHED with its reason: a new page cannot escape the walk."""
    settings.CHAT_RATE_LIMIT = 10_000
    with open("/dev/null", "w") as quiet:  # noqa: PTH123
        call_command("load_demo_data", stdout=quiet)
    _enrich()
    walk = Walk()
    clients = {persona: _client(email) for persona, email in PERSONAS.items()}
    for persona, email in PERSONAS.items():
        walk.crawl(persona, clients[persona], _seeds(email))

    for _form_key, (_persona, url, _form) in walk.forms.items():
        walk.reached.add(_route(url.partition("?")[0])[0])
    missing = {
        name: route
        for name, route in _all_routes().items()
        if name not in walk.reached
        and name not in UNREACHED
        and not route.startswith(UNREACHED_PREFIXES)
    }
    assert missing == {}, "\n".join(f"{name}: {route}" for name, route in sorted(missing.items()))

    for route, (persona, url) in sorted(walk.pages.items()):
        found = _route(url.partition("?")[0])
        params = walk.params[route] | _module_params(found[2]) | {"page"}
        for param in sorted(params):
            _check_get(walk, persona, clients[persona], route, url, param)
        # A parameter's name is input too.
        response = clients[persona].get(url.partition("?")[0] + "?a%00b=1")
        if not _refused(response):
            walk.fail(
                f"{persona} GET {route} with NUL in a parameter's name: {response.status_code}"
            )
    for _key, (persona, url, form) in sorted(walk.forms.items()):
        _check_form(walk, persona, clients[persona], url, form)
    assert walk.failures == [], "\n".join(walk.failures)
    # The walk did walk: pages, parameters and forms of every part of the platform.
    assert len(walk.pages) >= 50, sorted(walk.pages)
    assert len(walk.forms) >= 40, sorted(walk.forms)


def test_nul_in_the_path_of_a_page_is_refused(client, agent):
    """A NUL in a page's address (Wagtail's pages catch every address) is refused, not looked up."""
    client.force_login(agent)
    response = client.get("/une%00page/")
    assert response.status_code in (400, 404)
    assert response.status_code != 400 or REFUSAL in response.content.decode()
