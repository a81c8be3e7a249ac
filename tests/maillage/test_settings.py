import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PYTHON = str(BASE_DIR / ".venv" / "bin" / "python")
if not Path(PYTHON).exists():  # pragma: no cover - a venv elsewhere
    PYTHON = sys.executable


def production_env(tmp_path, **overrides):
    """An environment as the production host provides it, without the test suite's variables."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "DATABASE_URL",
            "REDIS_URL",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "EMAIL_BACKEND",
            "ELASTICSEARCH_URL",
            "OPENSEARCH_URL",
            "SEARCH_URL",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="maillage.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60)[:60],
        ALLOWED_HOSTS="maillage.example.gouv.fr",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        MAILLAGE_VAR_DIR=str(tmp_path / "var"),
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(args, env):
    return subprocess.run(
        args, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=False
    )


# --- Production settings ------------------------------------------------------------------------

SETUP = (
    "import os; os.environ['DJANGO_SETTINGS_MODULE']='maillage.settings.production'; "
    "import django; django.setup()"
)


def test_production_refuses_to_start_without_secret_key(tmp_path):
    """Production settings without SECRET_KEY raise ImproperlyConfigured at start-up."""
    result = run([PYTHON, "-c", SETUP], production_env(tmp_path, SECRET_KEY=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_short_secret_key(tmp_path):
    """A SECRET_KEY shorter than 50 characters is refused too."""
    result = run([PYTHON, "-c", SETUP], production_env(tmp_path, SECRET_KEY="trop-court"))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "at least 50 characters" in result.stderr


ENGINE_CODE = (
    "import os; os.environ['DJANGO_SETTINGS_MODULE']={module!r}; import django; django.setup(); "
    "from django.conf import settings; print(settings.SEARCH_ENGINE, settings.SEARCH_ENGINE_URL)"
)


@pytest.mark.parametrize(
    ("variable", "engine"),
    [
        ("OPENSEARCH_URL", "opensearch"),
        ("SEARCH_URL", "opensearch"),
        ("ELASTICSEARCH_URL", "elasticsearch"),
    ],
)
def test_an_engine_url_selects_the_engine_backend(tmp_path, variable, engine):
    """An engine's URL selects the engine backend of the search over everything; without one,
    the search runs on the database."""
    code = ENGINE_CODE.format(module="maillage.settings.production")
    result = run([PYTHON, "-c", code], production_env(tmp_path, **{variable: "http://engine:9200"}))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [engine, "http://engine:9200"]
    result = run([PYTHON, "-c", code], production_env(tmp_path))
    assert result.stdout.split() == ["database", "None"]


@pytest.mark.parametrize("module", ["maillage.settings.dev", "maillage.settings.production"])
def test_two_engines_at_once_are_refused(tmp_path, module):
    """OPENSEARCH_URL and ELASTICSEARCH_URL both set: the settings refuse to load rather than
    pick one in silence."""
    env = production_env(
        tmp_path,
        OPENSEARCH_URL="http://opensearch:9200",
        ELASTICSEARCH_URL="http://elasticsearch:9200",
    )
    result = run([PYTHON, "-c", ENGINE_CODE.format(module=module)], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "name one engine" in result.stderr


def test_production_starts_with_a_secret_key(tmp_path):
    """With a long SECRET_KEY the production settings load, with DEBUG off and HTTPS on."""
    code = (
        SETUP + "; from django.conf import settings; "
        "print(settings.DEBUG, settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE, "
        "settings.DEMO_DATA_ALLOWED)"
    )
    result = run([PYTHON, "-c", code], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "False"]


def test_deploy_check_has_no_warning(tmp_path):
    """`manage.py check --deploy` under production settings reports no warning at all."""
    result = run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path),
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert not re.search(r"\(\w+\.W\d+\)", output), output
    assert "System check identified no issues" in output


@pytest.mark.parametrize(
    ("variable", "expected"),
    [(None, "10000 20 20 True"), ("25000", "25000 20 20 True"), ("0", "700 10 10 False")],
)
def test_server_process_garbage_collector(tmp_path, variable, expected):
    """The process serving maillage.asgi collects its youngest generation every
    SERVER_GC_THRESHOLD new objects (default 10,000) with the start-up objects frozen out of
    the collections; 0 leaves Python's settings (700, 10, 10, nothing frozen)."""
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='maillage.settings.production'; "
        "import gc; frozen = gc.get_freeze_count(); import maillage.asgi; "
        "print(*gc.get_threshold(), gc.get_freeze_count() > frozen)"
    )
    result = run([PYTHON, "-c", code], production_env(tmp_path, SERVER_GC_THRESHOLD=variable))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_demo_data_refused_in_production(tmp_path):
    """load_demo_data exits with a French error under production settings."""
    result = run([PYTHON, "manage.py", "load_demo_data"], production_env(tmp_path))
    assert result.returncode != 0
    assert "Les données de démonstration sont interdites" in result.stderr
    assert "Données de démonstration :" not in result.stdout


# --- Content-Security-Policy --------------------------------------------------------------------


@pytest.mark.django_db
def test_csp_header_with_nonce_matching_the_scripts(client):
    """An HTML page carries a CSP header whose script-src nonce is the one on its <script> tags."""
    response = client.get("/connexion/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )
    assert "script-src" in directives
    nonces = re.findall(r"'nonce-([^']+)'", directives["script-src"])
    assert len(nonces) == 1
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["object-src"] == "'none'"

    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the page should load scripts"
    # Every script, the DSFR's and htmx's included, carries the nonce of the header.
    assert all(f'nonce="{nonces[0]}"' in tag for tag in scripts), scripts
    assert any("dsfr.module" in tag for tag in scripts)


@pytest.mark.django_db
def test_csp_nonce_changes_per_response(client):
    """Each response gets a fresh nonce."""
    first = re.search(r"'nonce-([^']+)'", client.get("/connexion/")["Content-Security-Policy"])
    second = re.search(r"'nonce-([^']+)'", client.get("/connexion/")["Content-Security-Policy"])
    assert first.group(1) != second.group(1)


@pytest.mark.django_db
def test_pages_refuse_to_be_framed(client):
    """Agents' pages refuse framing by other sites (X-Frame-Options and frame-ancestors)."""
    response = client.get("/connexion/")
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
