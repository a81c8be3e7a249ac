import json
import re
from html import unescape

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from directory import services
from directory.models import Agent
from maillage.asgi import application
from tests.factories import AgentFactory

# What the installed apps registered; nothing announces a feature still to come.
NAVIGATION = ["Communautés", "Annuaire", "Messagerie"]
# What a signed-in State agent sees besides: the calls for projects, the platform's idea box.
AGENT_NAVIGATION = [*NAVIGATION, "Appels à projets", "Améliorer Maillage"]
# The former « bientôt disponible » addresses, those of the delivered features included.
FORMER_PLACEHOLDERS = ["idees", "appels-a-projets", "pilotage", "communautes", "annuaire"]


def page_text(response):
    return unescape(response.content.decode())


# --- Home page ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_page_for_a_visitor(client):
    """A visitor sees the platform's presentation and the sign-in and sign-up links."""
    response = client.get("/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Le réseau social professionnel des agents de l'État dans les territoires." in text
    assert "Pourquoi Maillage ?" in text
    assert 'href="/connexion/"' in text
    assert 'href="/inscription/"' in text
    assert "Mes communautés" not in text


@pytest.mark.django_db
def test_home_page_for_an_agent_is_the_dashboard(agent_client):
    """A signed-in agent sees their dashboard: greeting by first name and their communities."""
    response = agent_client.get("/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Bonjour Anne" in text
    assert "Mes communautés" in text
    assert "Vous ne faites encore partie d'aucune communauté." in text
    assert "Profil complété à" in text
    assert "Pourquoi Maillage ?" not in text
    assert "Se déconnecter" in text


# --- Layout of every page -----------------------------------------------------------------------


LAYOUT_PAGES = [
    "/",
    "/connexion/",
    "/inscription/",
    "/mot-de-passe/oubli/",
    "/mentions-legales/",
    "/une-page-qui-n-existe-pas/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", LAYOUT_PAGES)
def test_every_page_has_the_dsfr_layout(client, path):
    """Every page is in French with the DSFR header, navigation, skip links and footer."""
    response = client.get(path)
    assert response.status_code in (200, 404)
    html = response.content.decode()
    text = unescape(html)
    assert re.search(r'<html lang="fr"', html)
    assert '<header role="banner" class="fr-header"' in html
    nav = text[
        text.index('id="header-navigation"') : text.index(
            "</nav>", text.index('id="header-navigation"')
        )
    ]
    for label in NAVIGATION:
        assert f">{label}</a>" in nav, label
    assert 'href="/communautes/"' in nav
    assert 'href="/annuaire/"' in nav  # the directory is delivered
    assert 'href="/messagerie/"' in nav  # so is the messaging
    assert "/bientot/" not in nav
    assert "fr-skiplinks" in html
    for anchor in ("#content", "#header-navigation", "#footer"):
        assert f'href="{anchor}"' in html
    assert 'id="content"' in html
    assert '<footer class="fr-footer" role="contentinfo" id="footer">' in html


@pytest.mark.django_db
def test_every_page_layout_for_an_agent(agent_client):
    """A signed-in agent's pages have the same layout, with their name and the sign-out form."""
    for path in ("/", "/compte/", "/donnees-personnelles/"):
        text = page_text(agent_client.get(path))
        assert "fr-header" in text and 'id="footer"' in text
        for label in AGENT_NAVIGATION:
            assert f">{label}</a>" in text
        assert "Anne Martin" in text
        assert 'action="/deconnexion/"' in text


@pytest.mark.django_db
def test_current_navigation_entry_is_marked(agent_client):
    """The navigation entry of the current section carries aria-current."""
    html = agent_client.get("/annuaire/").content.decode()
    assert re.search(r'href="/annuaire/"\s+aria-current="page"', html)
    assert not re.search(r'href="/communautes/"\s+aria-current="page"', html)


@pytest.mark.django_db
def test_every_navigation_entry_leads_to_a_page_of_its_app(agent_client):
    """The navigation shows only what installed apps deliver: each entry opens a real page, none
    a « bientôt disponible » one."""
    html = agent_client.get("/").content.decode()
    nav = html[html.index('id="header-navigation"') :]
    nav = nav[: nav.index("</nav>")]
    hrefs = re.findall(r'class="fr-nav__link" href="([^"]+)"', nav)
    assert hrefs[0] == "/" and len(hrefs) == 1 + len(AGENT_NAVIGATION), (
        hrefs
    )  # « Accueil », then the apps'
    for href in hrefs:
        response = agent_client.get(href)
        assert response.status_code == 200, href
        assert "Bientôt disponible" not in page_text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", FORMER_PLACEHOLDERS)
def test_former_coming_soon_pages_are_gone(client, slug):
    """The « bientôt disponible » placeholders are gone: their addresses answer 404."""
    response = client.get(f"/bientot/{slug}/")
    assert response.status_code == 404
    assert "Bientôt disponible" not in page_text(response)


@pytest.mark.django_db
def test_unknown_feature_is_404(client):
    """An unknown feature slug answers the French 404 page."""
    response = client.get("/bientot/teleportation/")
    assert response.status_code == 404
    assert "Page introuvable" in page_text(response)


@pytest.mark.django_db
def test_favicon_redirects_to_the_static_file(client):
    """/favicon.ico, asked by browsers on their own, leads to the DSFR favicon."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/dsfr/dist/favicon/favicon.ico"


# --- Back-offices -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_django_admin_refuses_a_platform_admin(client):
    """Django's admin is refused to a platform administrator who is not a superuser."""
    client.force_login(AgentFactory(platform_admin=True))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_django_admin_accepts_a_superuser(client):
    """Django's admin opens for a superuser."""
    client.force_login(AgentFactory(is_superuser=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Maillage — administration technique" in page_text(response)


@pytest.mark.django_db
def test_cms_admin_accepts_a_platform_admin(client):
    """Wagtail's back-office opens for a platform administrator, however the role was set."""
    admin = AgentFactory(platform_admin=True)
    client.force_login(admin)
    response = client.get("/cms-admin/")
    assert response.status_code == 200
    assert "wagtail" in response.content.decode().lower()


@pytest.mark.django_db
def test_cms_admin_refuses_an_agent(agent_client):
    """Wagtail's back-office is refused to an ordinary agent."""
    response = agent_client.get("/cms-admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/cms-admin/login/")


@pytest.mark.django_db
def test_cms_admin_access_follows_the_role(client):
    """Taking the admin role back through the service also closes the back-office."""
    admin = AgentFactory()
    services.agent_set_role(agent=admin, role=Agent.Role.ADMIN)
    services.agent_set_role(agent=admin, role=Agent.Role.AGENT)
    client.force_login(admin)
    assert client.get("/cms-admin/").status_code == 302


@pytest.mark.django_db
def test_relaxed_script_policy_stays_in_the_back_office(client):
    """The back-office's relaxed script policy applies there only."""
    admin = AgentFactory(platform_admin=True)
    services.agent_set_role(agent=admin, role=Agent.Role.ADMIN)
    client.force_login(admin)
    assert (
        "'unsafe-inline'"
        in client.get("/cms-admin/")["Content-Security-Policy"]
        .split("script-src", 1)[1]
        .split(";", 1)[0]
    )
    agent_policy = client.get("/compte/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in agent_policy.split("script-src", 1)[1].split(";", 1)[0]


# --- CSRF ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_post_without_csrf_token_gets_the_french_page(agent):
    """A form posted without its CSRF token is refused with the French « Formulaire expiré »."""
    client = Client(enforce_csrf_checks=True)
    response = client.post("/connexion/", {"username": agent.email, "password": "maillage-demo"})
    assert response.status_code == 403
    text = page_text(response)
    assert "Formulaire expiré" in text
    assert '<html lang="fr"' in text
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_post_with_csrf_token_passes(agent):
    """With the token from the form, the same POST goes through."""
    client = Client(enforce_csrf_checks=True)
    html = client.get("/connexion/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post(
        "/connexion/",
        {"username": agent.email, "password": "maillage-demo", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(agent.pk)


# --- WebSocket ----------------------------------------------------------------------------------

WS_HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
# The WebSocket consumers close database connections between calls, which a test wrapped in a
# transaction cannot survive; serialized_rollback restores the reference data the migrations load.
websocket_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def session_headers(agent):
    """Handshake headers carrying the session cookie of a signed-in agent."""
    client = Client()
    client.force_login(agent)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return [*WS_HEADERS, (b"cookie", f"{cookie.key}={cookie.value}".encode())]


def ws_agent():
    return Agent.objects.create_user(
        "ws@dreal.gouv.fr", "maillage-demo", first_name="Wendy", last_name="Socket"
    )


async def _handshake(headers):
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, code = await communicator.connect(timeout=5)
    if connected:
        await communicator.disconnect()
    return connected, code


async def _exchange(headers, frames):
    """Connect, send each frame and collect the answers; report whether the socket stayed open."""
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    answers = []
    for frame in frames:
        await communicator.send_to(text_data=frame)
        answers.append(json.loads(await communicator.receive_from(timeout=5)))
    still_open = await communicator.receive_nothing(timeout=0.1)
    await communicator.send_to(text_data=json.dumps({"type": "ping", "id": "last"}))
    last = json.loads(await communicator.receive_from(timeout=5))
    await communicator.disconnect()
    return answers, still_open, last


@websocket_db
def test_websocket_refuses_anonymous():
    """An anonymous handshake is refused."""
    connected, code = async_to_sync(_handshake)(WS_HEADERS)
    assert connected is False
    assert code == 4401


@websocket_db
def test_websocket_ping_pong_for_an_agent():
    """A signed-in agent connects and gets pong to ping, with the ping's id."""
    headers = session_headers(ws_agent())
    answers, still_open, last = async_to_sync(_exchange)(
        headers, [json.dumps({"type": "ping", "id": 7})]
    )
    assert answers == [{"type": "pong", "id": 7}]
    assert still_open
    assert last == {"type": "pong", "id": "last"}


@websocket_db
@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("ceci n'est pas du JSON", "frame_invalid"),
        ("[1, 2, 3]", "frame_invalid"),
        ('{"pas_de_type": true}', "frame_invalid"),
        ('{"type": "teleportation"}', "type_unknown"),
    ],
)
def test_websocket_malformed_frames_get_an_error_event(frame, code):
    """A malformed frame gets an error event and the connection stays open."""
    headers = session_headers(ws_agent())
    answers, still_open, last = async_to_sync(_exchange)(headers, [frame])
    assert answers[0]["type"] == "error"
    assert answers[0]["code"] == code
    assert answers[0]["message"].startswith(("Trame refusée", "Type d'événement inconnu"))
    assert still_open
    assert last == {"type": "pong", "id": "last"}


@websocket_db
def test_websocket_refuses_a_foreign_origin():
    """A handshake from another origin is refused, even with a valid session."""
    headers = [
        (b"origin", b"http://evil.example") if name == b"origin" else (name, value)
        for name, value in session_headers(ws_agent())
    ]
    connected, _ = async_to_sync(_handshake)(headers)
    assert connected is False


@websocket_db
def test_websocket_refuses_a_closed_session():
    """A session ended by sign-out no longer opens the socket."""
    agent = ws_agent()
    client = Client()
    client.force_login(agent)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    client.post("/deconnexion/")
    headers = [*WS_HEADERS, (b"cookie", f"{cookie.key}={cookie.value}".encode())]
    connected, code = async_to_sync(_handshake)(headers)
    assert connected is False
    assert code == 4401
