"""The rich profile: service and territory links, skills, expertise, interests, languages, career
path, consent flags, contact details, completeness; editing it; its constant query count."""

import datetime
import json
import re
import zipfile
from html import unescape
from io import BytesIO

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from directory.models import Agent, CareerEntry, Endorsement
from directory.profile import profile_completeness, profile_completion
from tests.directory.profile_helpers import profile_data
from tests.factories import (
    AgentFactory,
    ExternalAgentFactory,
    MembershipFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def signed_in(agent):
    client = Client()
    client.force_login(agent)
    return client


def page(client, agent):
    response = client.get(f"/agents/{agent.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def edit(client, agent, **changes):
    return client.post(f"/agents/{agent.pk}/modifier/", profile_data(agent, **changes))


def day(year, month=1):
    return datetime.date(year, month, 1)


@pytest.fixture
def anne():
    service = ServiceFactory(short_name="DDTM 35", name="Direction départementale de test")
    agent = AgentFactory(
        first_name="Anne",
        last_name="Martin",
        position="Instructrice ADS",
        service=service,
        skills=["urbanisme"],
    )
    agent.expertise.set(["marchés publics"])
    agent.interests.set(["randonnée"])
    agent.languages.set(["anglais", "breton"])
    CareerEntry.objects.create(
        agent=agent, title="Chargée d'études", organisation="Mairie de Vitré", start_date=day(2012)
    )
    CareerEntry.objects.create(
        agent=agent,
        title="Instructrice ADS",
        service=service,
        start_date=day(2018, 9),
    )
    CareerEntry.objects.filter(title="Chargée d'études").update(end_date=day(2018, 8))
    return agent


# --- what the page shows -----------------------------------------------------------------------


def test_profile_links_to_the_service_department_and_region(anne):
    """The service, its department and its region link to their organisation pages."""
    html = page(signed_in(AgentFactory()), anne)
    service = anne.service
    assert f'href="/annuaire/services/{service.slug}/"' in html
    assert f'href="/annuaire/departements/{service.department.slug}/"' in html
    assert f'href="/annuaire/regions/{service.region.slug}/"' in html
    assert "Instructrice ADS" in html


def test_external_viewer_gets_the_territory_without_links(anne):
    """An external partner does not browse the organisation pages: the names are not links."""
    membership = MembershipFactory(agent=anne)
    external = ExternalAgentFactory()
    MembershipFactory(agent=external, community=membership.community)
    html = unescape(page(signed_in(external), anne))
    assert "/annuaire/services/" not in html
    assert "Ille-et-Vilaine" in html


def test_profile_shows_expertise_interests_and_languages(anne):
    """« Je peux aider sur… », interests and languages are listed."""
    html = unescape(page(signed_in(AgentFactory()), anne))
    assert "Je peux aider sur…" in html
    assert "marchés publics" in html
    assert "randonnée" in html
    # In the languages' list: elsewhere on the page a generated name or address may hold
    # « breton » (Marie Breton, marie.breton@…).
    languages = html[html.index('data-testid="profile-languages"') :]
    languages = languages[: languages.index("</ul>")]
    assert re.findall(r'<p class="fr-tag">([^<]*)</p>', languages) == ["anglais", "breton"]


def test_career_is_a_timeline_most_recent_first(anne):
    """The career path lists the current position first, then the previous ones, with service
    links or the organisation typed in."""
    html = unescape(page(signed_in(AgentFactory()), anne))
    career = html[html.index('data-testid="profile-career"') :]
    assert career.index("Instructrice ADS") < career.index("Chargée d'études")
    assert "Depuis septembre 2018" in career
    assert "De janvier 2012 à août 2018" in career
    assert "Mairie de Vitré" in career
    assert f'href="/annuaire/services/{anne.service.slug}/"' in career


FLAGS = {
    "open_to_mentoring": "Ouvert au mentorat",
    "seeking_mobility": "En recherche de mobilité",
    "innovators_network": "Réseau des innovateurs",
}


@pytest.mark.parametrize("flag", list(FLAGS))
def test_consent_flag_shown_only_when_true(anne, flag):
    """Each availability badge appears only when the agent ticked it, and alone."""
    viewer = signed_in(AgentFactory())
    html = unescape(page(viewer, anne))
    for label in FLAGS.values():
        assert label not in html
    setattr(anne, flag, True)
    anne.save()
    html = unescape(page(viewer, anne))
    assert '<p class="fr-badge fr-badge--' in html
    for other, label in FLAGS.items():
        assert (label in html) == (other == flag)


def test_hidden_contact_says_non_communique(anne):
    """A hidden contact detail reads « non communiqué », the same whether it exists or not."""
    anne.phone = "02 99 00 00 00"
    anne.phone_visibility = "nobody"
    anne.email_visibility = "nobody"
    anne.save()
    html = unescape(page(signed_in(AgentFactory()), anne))
    assert "Téléphone non communiqué" in html
    assert "Courriel non communiqué" in html
    assert anne.email not in html


def test_communities_still_listed(anne):
    """The communities the viewer may see are still on the profile."""
    membership = MembershipFactory(agent=anne, community__name="Politique de l'eau")
    html = unescape(page(signed_in(AgentFactory()), anne))
    assert "Politique de l'eau" in html
    assert membership.community.get_absolute_url() in html


# --- completeness ------------------------------------------------------------------------------


def test_completeness_counts_the_new_fields():
    """Photo, service, position, phone, bio, skills, expertise and career each count for 1/8."""
    agent = AgentFactory(service=None, position="", phone="", bio="")
    assert profile_completion(agent) == (
        0,
        [
            "une photo",
            "votre service",
            "votre fonction",
            "votre numéro de téléphone",
            "une présentation",
            "vos compétences",
            "les sujets sur lesquels vous pouvez aider",
            "votre parcours",
        ],
    )
    agent.position = "Cheffe de projet"
    agent.skills.set(["eau"])
    agent.expertise.set(["GEMAPI"])
    CareerEntry.objects.create(
        agent=agent, title="Stagiaire", organisation="ENTPE", start_date=day(2010)
    )
    percentage, missing = profile_completion(agent)
    assert percentage == 50
    assert "vos compétences" not in missing


def test_owner_sees_completeness_and_what_is_missing(anne):
    """The owner sees the percentage, the missing items and a link to edit; others do not."""
    html = unescape(page(signed_in(anne), anne))
    block = html[html.index('data-testid="profile-completeness"') :]
    assert f"Profil complété à {profile_completeness(anne)} %" in block
    assert "une photo" in block
    assert "votre numéro de téléphone" in block
    assert f'href="/agents/{anne.pk}/modifier/"' in block
    other = unescape(page(signed_in(AgentFactory()), anne))
    assert "profile-completeness" not in other
    assert "Profil complété" not in other


def test_dashboard_still_shows_completeness(anne):
    """The home dashboard uses the same percentage."""
    html = unescape(signed_in(anne).get("/").content.decode())
    assert f"Profil complété à {profile_completeness(anne)} %" in html


# --- editing -----------------------------------------------------------------------------------


def test_edit_saves_the_new_fields(anne):
    """Expertise, interests, languages, flags and visibility settings are saved; the search text
    follows."""
    client = signed_in(anne)
    response = edit(
        client,
        anne,
        expertise="FEDER, marchés publics, FEDER",
        interests="vélo",
        languages="anglais, allemand",
        open_to_mentoring="on",
        innovators_network="on",
        phone_visibility="nobody",
        email_visibility="communities",
    )
    assert response.status_code == 302, unescape(response.content.decode())
    anne = Agent.objects.get(pk=anne.pk)
    assert sorted(anne.expertise.names()) == ["FEDER", "marchés publics"]
    assert list(anne.interests.names()) == ["vélo"]
    assert sorted(anne.languages.names()) == ["allemand", "anglais"]
    assert anne.open_to_mentoring and anne.innovators_network and not anne.seeking_mobility
    assert anne.phone_visibility == "nobody"
    assert anne.email_visibility == "communities"
    assert "feder" in anne.search_text
    assert "velo" in anne.search_text


def test_edit_form_offers_skill_suggestions(anne):
    """The skills input is tied to a <datalist> of the most used skills, filled by the server."""
    AgentFactory(skills=["urbanisme", "cartographie"])
    html = unescape(signed_in(anne).get(f"/agents/{anne.pk}/modifier/").content.decode())
    assert 'list="skill-suggestions"' in html
    datalist = html[html.index('<datalist id="skill-suggestions"') : html.index("</datalist>")]
    assert datalist.index('"urbanisme"') < datalist.index('"cartographie"')
    assert 'src="/static/js/profile-edit.js' in html
    assert (
        'nonce="' in html[html.index("profile-edit.js") - 120 : html.index("profile-edit.js") + 120]
    )


def test_radio_groups_for_visibility(anne):
    """Who sees the phone and the e-mail are DSFR radio groups."""
    html = signed_in(anne).get(f"/agents/{anne.pk}/modifier/").content.decode()
    assert 'id="radio-id_phone_visibility"' in html
    assert 'id="radio-id_email_visibility"' in html
    assert html.count('class="fr-radio-group"') == 6


@pytest.mark.parametrize("field", ["skills", "expertise", "interests", "languages"])
def test_tag_longer_than_100_characters_is_refused(anne, field):
    """A tag over 100 characters is refused with a French message, nothing saved."""
    response = edit(signed_in(anne), anne, **{field: "court, " + "x" * 101})
    assert response.status_code == 400
    assert "100 caractères au plus par élément" in unescape(response.content.decode())
    assert list(anne.skills.names()) == ["urbanisme"]


@pytest.mark.parametrize("field", ["skills", "expertise", "interests", "languages"])
def test_more_than_30_tags_is_refused(anne, field):
    """31 tags in one list are refused; 30 are accepted."""
    client = signed_in(anne)
    response = edit(client, anne, **{field: ", ".join(f"sujet {n}" for n in range(31))})
    assert response.status_code == 400
    assert "30 éléments au plus : vous en avez saisi 31." in unescape(response.content.decode())
    response = edit(client, anne, **{field: ", ".join(f"sujet {n}" for n in range(30))})
    assert response.status_code == 302
    assert getattr(Agent.objects.get(pk=anne.pk), field).count() == 30


def test_career_entry_added(anne):
    """A new step of the career path is saved."""
    response = edit(
        signed_in(anne),
        anne,
        career=[{"title": "Stagiaire", "organisation": "ENTPE", "start_date": "2010-09-01"}],
    )
    assert response.status_code == 302, unescape(response.content.decode())
    assert anne.career.filter(title="Stagiaire", organisation="ENTPE").exists()
    assert anne.career.count() == 3


def test_career_entry_removed(anne):
    """Ticking « Supprimer cette étape » removes it."""
    data = profile_data(anne)
    first = anne.career.order_by("-start_date").first()
    data["career-0-DELETE"] = "on"
    assert data["career-0-id"] == first.pk
    response = signed_in(anne).post(f"/agents/{anne.pk}/modifier/", data)
    assert response.status_code == 302
    assert not CareerEntry.objects.filter(pk=first.pk).exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {
                "title": "Poste",
                "organisation": "X",
                "start_date": "2020-01-01",
                "end_date": "2019-12-31",
            },
            "La fin précède le début.",
        ),
        (
            {"title": "Poste", "start_date": "2020-01-01"},
            "Choisissez un service de l'annuaire ou indiquez l'organisme.",
        ),
        (
            {"title": "", "organisation": "X", "start_date": "2020-01-01"},
            "Champ requis.",
        ),
        (
            {"title": "Poste", "organisation": "X", "start_date": "hier"},
            "Saisissez une date valide.",
        ),
        (
            {"title": "Poste", "organisation": "X", "start_date": "2020-02-30"},
            "Saisissez une date valide.",
        ),
        (
            {"title": "Poste", "service": "999999", "start_date": "2020-01-01"},
            "Sélectionnez un choix valide",
        ),
        (
            {"title": "Poste", "service": "abc", "start_date": "2020-01-01"},
            "Sélectionnez un choix valide",
        ),
    ],
)
def test_career_validation(anne, row, message):
    """Bad career rows are refused with a French message, nothing saved, never a 500."""
    response = edit(signed_in(anne), anne, career=[row])
    assert response.status_code == 400
    assert message in unescape(response.content.decode())
    assert anne.career.count() == 2


def test_end_equal_to_start_is_accepted(anne):
    """A one-day position (end = start) is accepted."""
    row = {
        "title": "Intérim",
        "organisation": "X",
        "start_date": "2020-01-01",
        "end_date": "2020-01-01",
    }
    assert edit(signed_in(anne), anne, career=[row]).status_code == 302


def test_at_most_30_career_entries(anne):
    """A 31st step is refused with a French message."""
    rows = [
        {"title": f"Poste {n}", "organisation": "X", "start_date": f"{1990 + n}-01-01"}
        for n in range(29)
    ]
    response = edit(signed_in(anne), anne, career=rows)
    assert response.status_code == 400
    assert "Le parcours compte 30 étapes au plus." in unescape(response.content.decode())
    assert anne.career.count() == 2
    assert edit(signed_in(anne), anne, career=rows[:28]).status_code == 302
    assert anne.career.count() == 30


def test_missing_career_management_form_is_a_form_error(anne):
    """A post without the formset's management data is refused with a message, not a 500."""
    data = {k: v for k, v in profile_data(anne).items() if not k.startswith("career-")}
    response = signed_in(anne).post(f"/agents/{anne.pk}/modifier/", data)
    assert response.status_code == 400
    assert "Le formulaire du parcours est incomplet" in unescape(response.content.decode())


def test_edit_page_shows_the_career_formset(anne):
    """The edit page lists the existing steps and one blank, plus a template for « Ajouter »."""
    html = unescape(signed_in(anne).get(f"/agents/{anne.pk}/modifier/").content.decode())
    assert 'name="career-TOTAL_FORMS" value="3"' in html
    assert "Étape : Instructrice ADS" in html
    assert '<template id="career-empty-form">' in html
    assert "career-__prefix__-title" in html
    assert "Supprimer cette étape" in html


# --- HTML in every new field is inert ---------------------------------------------------------


def test_html_in_every_new_field_is_inert(anne):
    """Script typed in any text field shows as text on the profile, the edit page and the skill
    fragment, never as markup."""
    client = signed_in(anne)
    response = edit(
        client,
        anne,
        position=SCRIPT,
        bio=SCRIPT,
        skills=SCRIPT,
        expertise=SCRIPT,
        interests=SCRIPT,
        languages=SCRIPT,
        career=[{"title": SCRIPT, "organisation": SCRIPT, "start_date": "2020-01-01"}],
    )
    assert response.status_code == 302, unescape(response.content.decode())
    Agent.objects.filter(pk=anne.pk).update(first_name=SCRIPT, phone="01", phone_visibility="all")
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    viewer = AgentFactory()
    Endorsement.objects.create(agent=anne, endorser=viewer, tag=Tag.objects.get(name=SCRIPT))
    profile = signed_in(viewer).get(f"/agents/{anne.pk}/").content.decode()
    assert SCRIPT not in profile
    assert profile.count(escaped) >= 7
    edit_page = client.get(f"/agents/{anne.pk}/modifier/").content.decode()
    assert SCRIPT not in edit_page
    fragment = signed_in(AgentFactory()).post(
        f"/agents/{anne.pk}/recommander/",
        {"skill": Tag.objects.get(name=SCRIPT).pk, "action": "endorse"},
        headers={"HX-Request": "true"},
    )
    assert SCRIPT not in fragment.content.decode()
    assert escaped in fragment.content.decode()


# --- query count -------------------------------------------------------------------------------


def grow(agent, n):
    """Give the agent n skills, each endorsed by n colleagues, n career steps, n tags of each
    kind and n communities."""
    endorsers = [AgentFactory() for _ in range(n)]
    agent.skills.set([f"compétence {i}" for i in range(n)])
    agent.expertise.set([f"expertise {i}" for i in range(n)])
    agent.interests.set([f"intérêt {i}" for i in range(n)])
    agent.languages.set([f"langue {i}" for i in range(n)])
    tags = list(Tag.objects.filter(name__startswith="compétence "))
    Endorsement.objects.bulk_create(
        Endorsement(agent=agent, tag=tag, endorser=endorser)
        for tag in tags
        for endorser in endorsers
    )
    for i in range(n):
        CareerEntry.objects.create(
            agent=agent, title=f"Poste {i}", service=ServiceFactory(), start_date=day(1990 + i)
        )
        MembershipFactory(agent=agent)


def count_queries(client, agent):
    client.get(f"/agents/{agent.pk}/")  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/agents/{agent.pk}/")
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("viewer_kind", ["colleague", "owner", "external"])
def test_profile_query_count_is_constant(django_assert_max_num_queries, viewer_kind):
    """The profile page costs the same number of queries with 1 or 30 skills, endorsements, career
    steps, tags and communities."""
    small, large = (
        AgentFactory(phone_visibility="communities"),
        AgentFactory(phone_visibility="communities"),
    )
    grow(small, 1)
    grow(large, 30)
    counts = {}
    for agent in (small, large):
        if viewer_kind == "owner":
            viewer = agent
        elif viewer_kind == "external":
            viewer = ExternalAgentFactory()
            MembershipFactory(agent=viewer, community=agent.memberships.first().community)
        else:
            viewer = AgentFactory()
        counts[agent.pk] = count_queries(signed_in(viewer), agent)
    assert counts[small.pk] == counts[large.pk]
    client = signed_in(viewer)
    with django_assert_max_num_queries(counts[small.pk]):
        client.get(f"/agents/{large.pk}/")


def test_profile_query_count_is_pinned(django_assert_max_num_queries):
    """The number itself is pinned for a colleague viewing a full profile, so that a new query on
    the page is a deliberate choice."""
    agent = AgentFactory(phone_visibility="communities")
    grow(agent, 30)
    client = signed_in(AgentFactory())
    client.get(f"/agents/{agent.pk}/")
    with django_assert_max_num_queries(PROFILE_QUERIES):
        client.get(f"/agents/{agent.pk}/")


# session, viewer, agent, 4 tag lists, career, may the viewer open it, endorsements, « Profils
# proches » (directory.suggestions: may the viewer open it, themes, scoring), communities, shared
# community (phone).
PROFILE_QUERIES = 15


# --- personal data -----------------------------------------------------------------------------


def test_personal_data_export_has_the_new_data(anne):
    """The RGPD export holds expertise, interests, languages, flags, visibility choices, career,
    and the endorsements given and received."""
    bruno = AgentFactory(first_name="Bruno", last_name="Durand", skills=["cartographie"])
    Endorsement.objects.create(agent=anne, endorser=bruno, tag=Tag.objects.get(name="urbanisme"))
    Endorsement.objects.create(agent=bruno, endorser=anne, tag=Tag.objects.get(name="cartographie"))
    anne.open_to_mentoring = True
    anne.phone_visibility = "nobody"
    anne.save()
    archive = zipfile.ZipFile(BytesIO(signed_in(anne).get("/compte/mes-donnees.zip").content))
    profile = json.loads(archive.read("profil.json"))
    assert profile["je_peux_aider_sur"] == ["marchés publics"]
    assert profile["centres_d_interet"] == ["randonnée"]
    assert profile["langues"] == ["anglais", "breton"]
    assert profile["disponibilites"] == {
        "ouvert_au_mentorat": True,
        "en_recherche_de_mobilite": False,
        "reseau_des_innovateurs": False,
    }
    assert profile["confidentialite"]["qui_voit_mon_telephone"] == "Personne"
    assert [step["fonction"] for step in profile["parcours"]] == [
        "Instructrice ADS",
        "Chargée d'études",
    ]
    assert profile["parcours"][1]["organisme"] == "Mairie de Vitré"
    endorsements = json.loads(archive.read("recommandations.json"))
    assert endorsements["recues"][0]["competence"] == "urbanisme"
    assert endorsements["recues"][0]["par"] == "Bruno Durand"
    assert endorsements["donnees"][0]["a"] == "Bruno Durand"


def test_admin_opens_a_closed_account_without_error(anne, platform_admin):
    """A platform administrator still opens a closed account's profile and vCard (« ancien
    agent »), with no contact detail left and no button."""
    from directory.services import agent_close_account

    agent_close_account(agent=anne)
    client = signed_in(platform_admin)
    html = unescape(page(client, anne))
    assert "ancien agent" in html
    assert ">Recommander<" not in html
    assert client.get(f"/agents/{anne.pk}/vcard.vcf").status_code == 200
