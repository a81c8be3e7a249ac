"""The error pages: the embedded default (``make run``) shows Django's debug pages to nobody unless
the developer asks (DJANGO_DEBUG=1); 403, 404 and 500 answer French pages in the DSFR layout."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from tests.maillage.test_settings import PYTHON, production_env, run

DEV_DEBUG = (
    "import os; os.environ['DJANGO_SETTINGS_MODULE']='maillage.settings.dev'; import django; "
    "django.setup(); from django.conf import settings; print(settings.DEBUG)"
)


@pytest.mark.parametrize(
    ("variable", "expected"),
    [(None, "False"), ("0", "False"), ("1", "True")],
)
def test_dev_settings_debug_only_when_asked(tmp_path, variable, expected):
    """The dev settings (``make run``) run with DEBUG off; DJANGO_DEBUG=1 turns it on."""
    env = production_env(tmp_path, DJANGO_SETTINGS_MODULE="maillage.settings.dev")
    env.pop("DJANGO_DEBUG", None)
    if variable is not None:
        env["DJANGO_DEBUG"] = variable
    result = run([PYTHON, "-c", DEV_DEBUG], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_dev_settings_refuse_a_debug_value_that_is_not_a_boolean(tmp_path):
    """DJANGO_DEBUG=peut-être is refused at start, not guessed."""
    env = production_env(tmp_path, DJANGO_SETTINGS_MODULE="maillage.settings.dev")
    env["DJANGO_DEBUG"] = "peut-être"
    result = run([PYTHON, "-c", DEV_DEBUG], env)
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def assert_in_layout(html):
    """The page is drawn in the platform's layout: DSFR header, navigation and footer."""
    assert 'class="fr-header"' in html
    assert 'id="header-navigation"' in html
    assert 'id="footer"' in html
    assert "dsfr.module" in html


@pytest.mark.django_db
def test_404_is_the_french_page_in_the_layout(client):
    """An address that leads nowhere: « Page introuvable » in the layout, no list of routes."""
    response = client.get("/nulle-part/ni-ailleurs/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page introuvable</h1>" in html
    assert_in_layout(html)
    assert "URLconf" not in html
    assert "communautes/" not in html.split('id="content"')[1].split("</main>")[0]
    # A visitor is offered to sign in, and comes back here afterwards.
    assert 'href="/connexion/?next=/nulle-part/ni-ailleurs/"' in html


@pytest.mark.django_db
def test_404_for_an_agent_has_no_sign_in_button(client, django_user_model):
    """A signed-in agent is not offered to sign in on the 404 page."""
    agent = django_user_model.objects.create_user("lea@example.gouv.fr", password="x" * 12)
    client.force_login(agent)
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in response.content.decode()
    assert "/connexion/?next=" not in response.content.decode()


@pytest.mark.django_db
def test_403_shows_the_reason_in_the_layout(rf, django_user_model):
    """A refusal: « Accès refusé » in the layout, with the French reason the view gave."""
    from django.views.defaults import permission_denied

    request = rf.get("/quelque-part/")
    request.user = django_user_model.objects.create_user("lea@example.gouv.fr", password="x" * 12)
    response = permission_denied(
        request, PermissionDenied("Seuls les animateurs de la communauté ont accès à cette page.")
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Accès refusé</h1>" in html
    assert "Seuls les animateurs de la communauté ont accès à cette page." in html
    assert_in_layout(html)


@pytest.mark.django_db
@pytest.mark.urls("tests.maillage.error_urls")
def test_500_is_the_french_page_in_the_layout(client):
    """A view that fails: « Erreur inattendue » in the layout (with the request's navigation and
    CSP nonce), never a traceback."""
    client.raise_request_exception = False
    response = client.get("/boum/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Erreur inattendue</h1>" in html
    assert_in_layout(html)
    assert "Traceback" not in html
    assert "a view failed" not in html
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in html


@pytest.mark.django_db
@pytest.mark.urls("tests.maillage.error_urls")
def test_500_falls_back_to_a_bare_page_when_the_layout_fails(client, settings):
    """When the layout cannot be drawn either, the 500 answers the bare French page."""
    from django.conf import settings as django_settings

    templates = [dict(django_settings.TEMPLATES[0])]
    templates[0]["OPTIONS"] = {
        **templates[0]["OPTIONS"],
        "context_processors": [
            *templates[0]["OPTIONS"]["context_processors"],
            "tests.maillage.error_urls.failing_context_processor",
        ],
    }
    client.raise_request_exception = False
    with override_settings(TEMPLATES=templates):
        response = client.get("/boum/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Erreur inattendue</h1>" in html
    assert 'class="fr-header"' not in html
    assert "Traceback" not in html
