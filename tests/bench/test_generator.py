import time
import unicodedata
from collections import Counter
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from taggit.models import TaggedItem

from bench.generate import generate, parse_args
from bench.generator_vocabulary import SKILLS
from directory.models import Agent, Department, Endorsement, Service
from directory.search_index import agent_search_text

pytestmark = pytest.mark.django_db

ALL_SKILLS = {skill for skills in SKILLS.values() for skill in skills}


@pytest.fixture
def generated():
    services_before = Service.objects.count()
    out = StringIO()
    started = time.perf_counter()
    generate(parse_args(["--agents", "300", "--services", "40"]), stdout=out)
    return {
        "seconds": time.perf_counter() - started,
        "output": out.getvalue(),
        "services": Service.objects.count() - services_before,
        "agents": list(
            Agent.objects.filter(email__endswith="@bench.gouv.fr").select_related("service")
        ),
    }


def _is_accent_free(text):
    return not any(unicodedata.combining(c) for c in unicodedata.normalize("NFKD", text))


def test_generator_makes_the_services_and_agents_it_reports(generated):
    """--agents 300 --services 40: 40 services and 300 agents, said on the output, in seconds."""
    assert generated["services"] == 40
    assert len(generated["agents"]) == 300
    assert "40 services" in generated["output"]
    assert "300 agents" in generated["output"]
    assert generated["seconds"] < 15


def test_every_generated_agent_has_a_service_and_two_to_eight_skills(generated):
    """Each agent works in a service of the directory and has between 2 and 8 known skills."""
    agents = generated["agents"]
    assert all(agent.service_id for agent in agents)
    skills = Counter(
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Agent),
            object_id__in=[agent.pk for agent in agents],
        ).values_list("object_id", flat=True)
    )
    assert all(2 <= skills[agent.pk] <= 8 for agent in agents)
    names = set(agents[0].skills.names())
    assert names and names <= ALL_SKILLS


def test_generated_services_respect_the_territory(generated):
    """A departmental service sits in its department's region; slugs stay unique."""
    services = Service.objects.exclude(department=None).select_related("department")
    assert all(service.region_id == service.department.region_id for service in services)
    assert Department.objects.count() == 101


def test_search_text_is_filled_accent_free_and_what_a_profile_save_stores(generated):
    """search_text is lower case, accent-free and has the words agent_search_text computes."""
    for agent in generated["agents"]:
        assert agent.search_text
        assert agent.search_text == agent.search_text.lower()
        assert _is_accent_free(agent.search_text), agent.search_text
    for agent in generated["agents"][:25]:
        assert sorted(agent.search_text.split()) == sorted(agent_search_text(agent).split())


def test_endorsements_are_of_own_skills_and_never_self(generated):
    """Endorsements exist, never by the endorsed agent, each on one of their skills."""
    endorsements = list(
        Endorsement.objects.filter(agent__email__endswith="@bench.gouv.fr").select_related("tag")
    )
    assert len(endorsements) > 300
    assert all(e.agent_id != e.endorser_id for e in endorsements)
    skills = {
        (item.object_id, item.tag_id)
        for item in TaggedItem.objects.filter(content_type=ContentType.objects.get_for_model(Agent))
    }
    assert all((e.agent_id, e.tag_id) in skills for e in endorsements)


def test_generated_agents_cannot_sign_in_with_a_password(generated):
    """Without --password every generated agent has an unusable password."""
    assert not any(agent.has_usable_password() for agent in generated["agents"])


def test_generator_is_refused_under_production_settings(settings):
    """DEMO_DATA_ALLOWED false (production): the generator refuses and writes nothing."""
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(SystemExit, match="interdites"):
        generate(parse_args(["--agents", "10", "--services", "5"]))
    assert not Agent.objects.filter(email__endswith="@bench.gouv.fr").exists()
