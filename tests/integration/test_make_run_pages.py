"""What `make run` serves: Daphne with the dev settings, as the Makefile starts it.

Without DJANGO_DEBUG, nobody sees Django's debug pages: an address that leads nowhere answers the
platform's French 404 page in the DSFR layout, not the list of every route; the static files
(the DSFR's and the platform's) are still served, DEBUG off. With DJANGO_DEBUG=1 the developer
gets the debug page they asked for.
"""

import re
import urllib.error
import urllib.request

import pytest

from tests.integration.servers import Daphne, django_env, migrated_sqlite_database

pytestmark = pytest.mark.integration


def fetch(url, *, binary=False):
    """GET ``url``: (status, content type, body), 4xx and 5xx included."""
    try:
        with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 - our server
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            status, headers, body = error.code, error.headers, error.read()
    return status, headers["Content-Type"], body if binary else body.decode()


def dev_server(tmp_path, tmp_path_factory, **variables):
    database = migrated_sqlite_database(tmp_path / "dev.sqlite3", tmp_path_factory)
    env = django_env(
        "maillage.settings.dev",
        DATABASE_URL=f"sqlite:///{database}",
        MAILLAGE_VAR_DIR=tmp_path,
        **variables,
    )
    return Daphne(env=env, log_path=tmp_path / "daphne.log")


def test_make_run_answers_the_french_404_and_serves_static_files(tmp_path, tmp_path_factory):
    """The dev settings without DJANGO_DEBUG: the DSFR 404 page without the route list, and the
    style sheets and scripts served with their types."""
    with dev_server(tmp_path, tmp_path_factory) as server:
        status, _type, html = fetch(f"{server.url}/communautes/nulle-part/ni-ailleurs/")
        assert status == 404, server.log()
        assert "<h1>Page introuvable</h1>" in html
        assert 'class="fr-header"' in html
        assert "URLconf" not in html
        assert "Using the URLconf" not in html
        assert "DEBUG = True" not in html

        # Every style sheet, script and icon the sign-in page asks for is served.
        status, _type, html = fetch(f"{server.url}/connexion/")
        assert status == 200
        assets = set(re.findall(r'(?:href|src)="(/static/[^"?#]+)', html))
        assert "/static/css/maillage.css" in assets
        assert any(asset.endswith(".css") and "/dsfr/" in asset for asset in assets), assets
        assert any(asset.endswith(".js") and "/dsfr/" in asset for asset in assets), assets
        types = {".css": "text/css", ".js": "text/javascript"}
        for asset in sorted(assets):
            status, served_type, body = fetch(f"{server.url}{asset}", binary=True)
            assert status == 200, (asset, server.log())
            expected = types.get(asset[asset.rfind(".") :])
            assert expected is None or served_type.startswith(expected), (asset, served_type)
            assert body


def test_make_run_with_django_debug_shows_the_debug_page(tmp_path, tmp_path_factory):
    """DJANGO_DEBUG=1: the developer asked for Django's debug pages and gets them."""
    with dev_server(tmp_path, tmp_path_factory, DJANGO_DEBUG="1") as server:
        status, _type, html = fetch(f"{server.url}/communautes/nulle-part/ni-ailleurs/")
        assert status == 404
        assert "<h1>Page introuvable</h1>" not in html
        assert "Page not found" in html
