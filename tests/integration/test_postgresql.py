"""The platform on a real PostgreSQL: migrations, reference data, agents, demo data.

Each step runs ``manage.py`` in a child process, as ``make migrate`` and ``make demo`` do, with
DATABASE_URL pointing at a database of the server started by tests/integration/conftest.py.
"""

import json

import pytest

from tests.integration.servers import django_env, django_shell, manage

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pg_env(postgresql_database_url, tmp_path_factory):
    return django_env(
        "maillage.settings.test",
        DATABASE_URL=postgresql_database_url,
        MAILLAGE_VAR_DIR=tmp_path_factory.mktemp("postgresql-var"),
    )


@pytest.fixture(scope="module")
def migrate_output(pg_env):
    """``manage.py migrate --noinput`` on the empty PostgreSQL database; its output."""
    return manage("migrate", "--noinput", env=pg_env)


def test_migrations_apply_on_postgresql(pg_env, migrate_output):
    """Every migration, the reference-data and home page data migrations included, applies."""
    assert "Applying directory.0002_load_reference_data... OK" in migrate_output
    assert "Applying cms.0002_create_homepage... OK" in migrate_output
    # Nothing left unapplied (exit status 1 would fail manage()).
    manage("migrate", "--check", env=pg_env)
    engine = django_shell("from django.db import connection; print(connection.vendor)", env=pg_env)
    assert engine == "postgresql"


def test_reference_data_on_postgresql(pg_env, migrate_output):
    """The migrations load the 18 regions, the 101 departments and the Wagtail home page."""
    result = json.loads(
        django_shell(
            "import json\n"
            "from wagtail.models import Site\n"
            "from directory.models import Department, Region\n"
            "site = Site.objects.get(is_default_site=True)\n"
            "print(json.dumps({\n"
            "    'regions': Region.objects.count(),\n"
            "    'departments': Department.objects.count(),\n"
            "    'lot': Department.objects.get(code='46').region.name,\n"
            "    'home': [type(site.root_page.specific).__name__, site.root_page.title],\n"
            "}))",
            env=pg_env,
        )
    )
    assert result == {
        "regions": 18,
        "departments": 101,
        "lot": "Occitanie",
        "home": ["HomePage", "Maillage"],
    }


def test_agent_created_and_read_back_on_postgresql(pg_env, migrate_output):
    """An agent written by one process (with a service and skills) is read back by another."""
    django_shell(
        "from directory.models import Agent, Department, Ministry, Service, ServiceKind\n"
        "service = Service.objects.create(\n"
        "    slug='ddtm-29-integration', short_name='DDTM 29', city='Quimper',\n"
        '    name="Direction départementale des territoires et de la mer du Finistère",\n'
        "    kind=ServiceKind.objects.get(code='DDTM'),\n"
        "    ministry=Ministry.objects.get(code=Ministry.INTERMINISTERIAL),\n"
        "    department=Department.objects.get(code='29'),\n"
        ")\n"
        "agent = Agent.objects.create_user(\n"
        "    'Gaelle.LeBihan@DDTM-29.gouv.fr', 'un-long-mot-de-passe',\n"
        "    first_name='Gaëlle', last_name='Le Bihan', service=service,\n"
        "    position='Chargée de mission littoral',\n"
        ")\n"
        "agent.skills.set(['littoral', 'Urbanisme'])",
        env=pg_env,
    )
    result = json.loads(
        django_shell(
            "import json\n"
            "from directory.models import Agent\n"
            "agent = Agent.objects.select_related('service__region').get(\n"
            "    email__iexact='gaelle.lebihan@ddtm-29.gouv.fr')\n"
            "print(json.dumps({\n"
            "    'email': agent.email, 'name': agent.display_name, 'position': agent.position,\n"
            "    'service': agent.service.short_name, 'region': agent.service.region.name,\n"
            "    'skills': sorted(agent.skills.names()),\n"
            "    'password_ok': agent.check_password('un-long-mot-de-passe'),\n"
            "    'found_by_skill': Agent.objects.filter(skills__name__iexact='urbanisme')\n"
            "        .filter(pk=agent.pk).exists(),\n"
            "}))",
            env=pg_env,
        )
    )
    assert result == {
        "email": "gaelle.lebihan@ddtm-29.gouv.fr",
        "name": "Gaëlle Le Bihan",
        "position": "Chargée de mission littoral",
        "service": "DDTM 29",
        "region": "Bretagne",
        "skills": ["Urbanisme", "littoral"],
        "password_ok": True,
        "found_by_skill": True,
    }


COUNT_AGENTS = (
    "from directory.models import Agent, Service\n"
    "print(Agent.objects.count(), Agent.objects.filter(email__endswith='@demo.gouv.fr').count(),"
    " Service.objects.count())"
)


def test_demo_data_is_idempotent_on_postgresql(pg_env, migrate_output):
    """``load_demo_data`` run twice leaves the same agents and services as run once."""
    first_output = manage("load_demo_data", env=pg_env)
    after_first = [int(n) for n in django_shell(COUNT_AGENTS, env=pg_env).split()]
    manage("load_demo_data", env=pg_env)
    after_second = [int(n) for n in django_shell(COUNT_AGENTS, env=pg_env).split()]

    assert "60 agents" in first_output
    assert after_first[1] == 60
    assert after_second == after_first
