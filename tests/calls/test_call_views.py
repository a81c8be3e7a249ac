"""The calls' own pages: the list of calls, a call's page with its Q&A, publication, the roles the
managers give, a call's dossiers and the form that starts one — who sees which page and button,
each form's success and French errors, forged ids, escaped text."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.models import CallRole, Dossier, DossierMember, ExpertAssignment, Question, Wave
from calls.views.calls import deadline_label, k_euros, megabytes
from directory.models import Region
from tests.calls.factories import (
    CallFactory,
    DossierFactory,
    add_member,
    grant,
    lead_of,
    paris,
)
from tests.factories import AgentFactory, ExternalAgentFactory, ServiceFactory

pytestmark = pytest.mark.django_db

R = CallRole.Role
S = Dossier.State


def html(response):
    return unescape(response.content.decode())


def ids_of(response, name):
    """The values of ``data-id`` (or ``data-slug``) on the elements ``data-testid=name``."""
    return re.findall(
        rf'data-testid="{name}" data-(?:id|slug|code|number)="([^"]+)"', response.content.decode()
    )


def errors_of(response):
    """The French errors a form page shows (for a failing assertion's message)."""
    return re.findall(r'class="fr-error-text"[^>]*>([^<]*)<', html(response)) + re.findall(
        r'data-testid="form-error"><p>([^<]*)<', html(response)
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def manager_of(call):
    return grant(call, R.MANAGER)


# --- the words of the pages -------------------------------------------------------------------


def test_a_deadline_reads_as_the_call_writes_it():
    """A wave's deadline is the closing day's 17:00 read in Paris, with its weekday."""
    wave = Wave(number=1, deadline=paris(2016, 10, 17), envelope_share=40)
    assert deadline_label(wave) == (
        "Clôture de la vague 1 : lundi 17 octobre 2016 à 17 h 00, heure de Paris"
    )
    # Winter time: 17:00 in Paris is 16:00 UTC; the label still says 17 h 00.
    winter = Wave(number=2, deadline=paris(2017, 1, 1), envelope_share=60)
    assert deadline_label(winter).endswith("dimanche 1er janvier 2017 à 17 h 00, heure de Paris")


def test_amounts_and_sizes_read_in_french():
    """Amounts in k€ with a thin space between thousands and a decimal comma; sizes in Mo."""
    assert k_euros("6000.00") == "6\u202f000 k€"
    assert k_euros("12.50") == "12,5 k€"
    assert megabytes(10 * 1024 * 1024) == "10 Mo"
    assert megabytes(5 * 1024 * 1024 // 2) == "2,5 Mo"


# --- the list of calls --------------------------------------------------------------------------


def test_the_list_asks_to_sign_in(client):
    """An anonymous visitor is sent to the sign-in page."""
    response = client.get(reverse("calls:index"))
    assert response.status_code == 302
    assert "/connexion" in response["Location"] or "login" in response["Location"]


def test_the_list_shows_open_calls_with_their_deadline_and_hides_unpublished_ones(client):
    """An agent sees an open call with the deadline of its next wave, a historic call among the
    closed ones, never a call still in preparation; the registry is linked."""
    open_call = CallFactory(title="Laboratoires 2026")
    historic = CallFactory(title="Communautés 2016", is_historic=True)
    draft = CallFactory(title="Appel en préparation", published_at=None)
    client.force_login(AgentFactory())
    response = client.get(reverse("calls:index"))
    assert response.status_code == 200
    page = html(response)
    first = open_call.waves.get(number=1)
    assert deadline_label(first) in page
    sections = {
        name: page[page.index(f'data-testid="calls-{name}"') :]
        for name in ("open", "closed", "mine")
    }
    assert open_call.slug in sections["open"].split('data-testid="calls-mine"')[0]
    assert historic.slug in sections["closed"]
    assert historic.slug not in sections["open"].split('data-testid="calls-mine"')[0]
    assert draft.title not in page
    assert 'data-testid="calls-managed"' not in page
    assert reverse("calls:registry") in page


def test_the_list_shows_the_managers_their_calls_even_unpublished(client):
    """A manager finds « Appels que je gère » with their unpublished call marked as such."""
    draft = CallFactory(published_at=None)
    client.force_login(manager_of(draft))
    page = html(client.get(reverse("calls:index")))
    assert "Appels que je gère" in page
    assert draft.slug in ids_of(client.get(reverse("calls:index")), "call-item")
    assert 'data-testid="call-unpublished"' in page


def test_the_list_shows_my_dossiers_with_their_state(client):
    """« Mes dossiers » lists the viewer's dossiers with their state badge, not others'."""
    mine = DossierFactory()
    other = DossierFactory(call=mine.call)
    client.force_login(lead_of(mine))
    response = client.get(reverse("calls:index"))
    assert ids_of(response, "my-dossier") == [str(mine.pk)]
    assert str(other.pk) not in ids_of(response, "my-dossier")
    assert 'data-state="draft"' in html(response)
    assert "Brouillon" in html(response)


# --- a call's page ------------------------------------------------------------------------------


def test_the_call_page_shows_everything_an_applicant_needs(client):
    """Kind, category, summary, themes, waves, caps, pieces with their limits, formats and size
    limit, the grid with its sub-criteria, contacts and the deposit's place."""
    call = CallFactory(contacts="Mission innovation — sgmap@modernisation.gouv.fr")
    criterion = call.criteria.get(code="1")
    criterion.questions = "Combien d'administrations ?"
    criterion.evidence = "La liste des services associés."
    criterion.save()
    client.force_login(AgentFactory())
    response = client.get(call.get_absolute_url())
    assert response.status_code == 200
    page = html(response)
    for expected in (
        "Communautés professionnelles territoriales",
        "Projet d'amorçage",
        call.summary,
        "Moderniser l'action publique",
        "Innover dans les conditions de travail",
        "6\u202f000 k€",
        "au plus 500 k€",
        "au plus 250 k€",
        "Fiche de synthèse",
        "2 pages au plus",
        "10 diapositives au plus",
        "Une par partenaire",
        "ODT, ODS, ODP, PDF, DOC, XLS, PPT",
        "10 Mo",
        "Caractère interministériel",
        "Plusieurs administrations",
        "Combien d'administrations ?",
        "La liste des services associés.",
        "sgmap@modernisation.gouv.fr",
        "se dépose sur la plateforme",
        "40 %",
    ):
        assert expected in page, expected
    assert ids_of(response, "call-wave") == ["1", "2"]
    assert deadline_label(call.waves.get(number=1)) in page
    assert 'class="fr-accordion"' in page


def test_who_sees_which_button_on_a_call(client):
    """A State agent may prepare a dossier and ask; an external partner of a dossier reads the
    call but may not start a dossier; only managers see the roles link and the publish button
    (on an unpublished call, which no one else reads)."""
    call = CallFactory()
    agent = AgentFactory()
    external = ExternalAgentFactory()
    add_member(DossierFactory(call=call), external, DossierMember.Role.PARTNER)
    manager = manager_of(call)

    client.force_login(agent)
    page = html(client.get(call.get_absolute_url()))
    assert 'data-testid="call-apply"' in page
    assert 'data-testid="question-form"' in page
    assert 'data-testid="call-roles-link"' not in page
    assert 'data-testid="call-publish"' not in page

    client.force_login(external)
    page = html(client.get(call.get_absolute_url()))
    assert 'data-testid="call-apply"' not in page

    client.force_login(manager)
    page = html(client.get(call.get_absolute_url()))
    assert 'data-testid="call-roles-link"' in page
    assert 'data-testid="call-publish"' not in page  # already published

    draft = CallFactory(published_at=None)
    client.force_login(agent)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(manager_of(draft))
    page = html(client.get(draft.get_absolute_url()))
    assert 'data-testid="call-publish"' in page
    assert 'data-testid="call-apply"' not in page


def test_a_closed_call_offers_no_new_dossier(client):
    """When every wave is past, « Préparer un dossier » is gone and the form refuses."""
    call = CallFactory()
    call.waves.update(deadline=timezone.now() - timedelta(days=1))
    client.force_login(AgentFactory())
    assert 'data-testid="call-apply"' not in html(client.get(call.get_absolute_url()))
    response = client.get(reverse("calls:dossier_new", args=[call.slug]), follow=True)
    assert "Cet appel n'accepte pas de nouveau dossier." in messages_of(response)


def test_publishing_a_call(client):
    """A manager's POST publishes the call; a GET is not allowed; a non-manager cannot reach
    an unpublished call (404)."""
    call = CallFactory(published_at=None)
    url = reverse("calls:publish", args=[call.slug])
    client.force_login(AgentFactory())
    assert client.post(url).status_code == 404
    client.force_login(manager_of(call))
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == call.get_absolute_url()
    call.refresh_from_db()
    assert call.is_published
    assert "L'appel est publié : tous les agents le voient." in messages_of(response)


# --- questions and answers ----------------------------------------------------------------------


def test_an_agent_asks_and_a_manager_answers_for_everyone(client):
    """The question reaches the managers only (with an answer form); once answered, every reader
    sees it."""
    call = CallFactory()
    asker, reader, manager = AgentFactory(), AgentFactory(), manager_of(call)
    client.force_login(asker)
    response = client.post(
        reverse("calls:ask", args=[call.slug]),
        {"text": "Les DDI sont-elles éligibles ?"},
        follow=True,
    )
    assert response.redirect_chain, messages_of(response)
    question = Question.objects.get(call=call)
    assert question.asked_by == asker

    client.force_login(reader)
    assert "Les DDI sont-elles éligibles ?" not in html(client.get(call.get_absolute_url()))

    client.force_login(manager)
    page = client.get(call.get_absolute_url())
    assert ids_of(page, "question-unanswered") == [str(question.pk)]
    client.post(
        reverse("calls:answer", args=[call.slug, question.pk]),
        {"answer": "Oui, en lien avec le préfet de région."},
    )

    client.force_login(reader)
    page = client.get(call.get_absolute_url())
    assert ids_of(page, "question") == [str(question.pk)]
    assert "Oui, en lien avec le préfet de région." in html(page)
    assert 'data-testid="question-unanswered"' not in html(page)


def test_an_empty_question_is_refused_in_french(client):
    """An empty question stores nothing and says why."""
    call = CallFactory()
    client.force_login(AgentFactory())
    response = client.post(reverse("calls:ask", args=[call.slug]), {"text": "  "}, follow=True)
    assert "Écrivez votre question." in messages_of(response)
    assert not Question.objects.exists()


def test_only_managers_answer(client):
    """An agent's forged answer is refused with a message; the question stays unanswered."""
    call = CallFactory()
    question = Question.objects.create(call=call, text="Quel calendrier ?")
    client.force_login(AgentFactory())
    response = client.post(
        reverse("calls:answer", args=[call.slug, question.pk]), {"answer": "Aucun."}, follow=True
    )
    assert "Seuls les gestionnaires de l'appel répondent." in messages_of(response)
    question.refresh_from_db()
    assert question.answer == ""


def test_a_question_of_another_call_is_not_found(client):
    """Answering another call's question through this call's address is a 404."""
    call, other = CallFactory(), CallFactory()
    question = Question.objects.create(call=other, text="Quel calendrier ?")
    client.force_login(manager_of(call))
    response = client.post(
        reverse("calls:answer", args=[call.slug, question.pk]), {"answer": "Aucun."}
    )
    assert response.status_code == 404


def test_text_typed_on_a_call_is_escaped(client):
    """A script in the summary, a question or an answer is shown as text."""
    call = CallFactory(summary="<script>alert('résumé')</script>")
    Question.objects.create(
        call=call,
        text="<script>alert('q')</script>",
        answer="<b>réponse</b>",
        answered_at=timezone.now(),
    )
    client.force_login(AgentFactory())
    raw = client.get(call.get_absolute_url()).content.decode()
    assert "<script>alert(" not in raw
    assert "&lt;script&gt;alert(" in raw
    assert "<b>réponse</b>" not in raw


# --- roles --------------------------------------------------------------------------------------


def test_only_managers_reach_the_roles(client):
    """An agent gets a 403 on the roles page; a manager sees it with the grants."""
    call = CallFactory()
    expert = grant(call, R.EXPERT)
    url = reverse("calls:roles", args=[call.slug])
    client.force_login(AgentFactory())
    assert client.get(url).status_code == 403
    assert client.post(url, {"email": "x@y.fr", "role": R.EXPERT}).status_code == 403
    client.force_login(expert)
    assert client.get(url).status_code == 403
    client.force_login(manager_of(call))
    response = client.get(url)
    assert response.status_code == 200
    assert len(ids_of(response, "role-grant")) == 2


def test_a_manager_grants_a_role_by_e_mail_address(client):
    """The address is found whatever its case; the role is given and the page says so."""
    call = CallFactory()
    agent = AgentFactory(email="claire.martin@dreal.gouv.fr")
    client.force_login(manager_of(call))
    response = client.post(
        reverse("calls:roles", args=[call.slug]),
        {"email": "Claire.Martin@DREAL.gouv.fr", "role": R.EXPERT},
        follow=True,
    )
    assert CallRole.objects.filter(call=call, agent=agent, role=R.EXPERT).exists()
    assert any("a le rôle « Expert »" in m for m in messages_of(response))


def test_granting_a_role_says_what_is_wrong(client):
    """An unknown address, a missing or forged role, an external partner as manager: a 400 with
    the French reason next to the field, nothing stored."""
    call = CallFactory()
    ExternalAgentFactory(email="partenaire@mairie-rennes.fr")
    client.force_login(manager_of(call))
    url = reverse("calls:roles", args=[call.slug])
    before = CallRole.objects.count()

    response = client.post(url, {"email": "personne@nulle-part.fr", "role": R.EXPERT})
    assert response.status_code == 400
    assert "Aucun agent n'a cette adresse." in html(response)
    assert 'aria-describedby="role-email-error"' in html(response)

    response = client.post(url, {"email": "", "role": "tsar"})
    assert response.status_code == 400
    assert "Indiquez l'adresse électronique de l'agent." in html(response)
    assert "Choisissez un rôle." in html(response)

    response = client.post(url, {"email": "partenaire@mairie-rennes.fr", "role": R.MANAGER})
    assert response.status_code == 400
    assert "Un partenaire externe ne peut être qu'expert." in html(response)
    assert CallRole.objects.count() == before


def test_a_manager_revokes_a_role_and_a_forged_grant_is_not_found(client):
    """Revoking removes the grant; a grant of another call through this address is a 404."""
    call, other = CallFactory(), CallFactory()
    expert = grant(call, R.EXPERT)
    foreign = CallRole.objects.create(call=other, agent=AgentFactory(), role=R.EXPERT)
    client.force_login(manager_of(call))
    held = CallRole.objects.get(call=call, agent=expert)
    response = client.post(reverse("calls:role_revoke", args=[call.slug, held.pk]))
    assert response.status_code == 302
    assert not CallRole.objects.filter(pk=held.pk).exists()
    response = client.post(reverse("calls:role_revoke", args=[call.slug, foreign.pk]))
    assert response.status_code == 404
    assert CallRole.objects.filter(pk=foreign.pk).exists()


# --- a call's dossiers --------------------------------------------------------------------------


def _deposit(dossier, state=S.DEPOSITED):
    Dossier.objects.filter(pk=dossier.pk).update(state=state, deposited_at=timezone.now())
    dossier.refresh_from_db()
    return dossier


def test_who_sees_which_dossiers_of_a_call(client):
    """The managers see every dossier of the call (not another call's); an expert only the
    dossiers assigned to them; a lead only theirs."""
    call = CallFactory()
    draft = DossierFactory(call=call)
    assigned = _deposit(DossierFactory(call=call), S.EVALUATION)
    unassigned = _deposit(DossierFactory(call=call))
    DossierFactory()  # another call's
    expert = grant(call, R.EXPERT)
    ExpertAssignment.objects.create(dossier=assigned, expert=expert)
    url = reverse("calls:dossiers", args=[call.slug])

    client.force_login(manager_of(call))
    assert set(ids_of(client.get(url), "dossier-row")) == {
        str(draft.pk),
        str(assigned.pk),
        str(unassigned.pk),
    }
    client.force_login(expert)
    assert ids_of(client.get(url), "dossier-row") == [str(assigned.pk)]
    client.force_login(lead_of(draft))
    assert ids_of(client.get(url), "dossier-row") == [str(draft.pk)]


def test_the_dossiers_list_shows_lead_region_state_and_deposit(client):
    """Each row has the acronym, title, region, lead, state badge and deposit time."""
    dossier = _deposit(DossierFactory(acronym="RESO"))
    client.force_login(manager_of(dossier.call))
    page = html(client.get(reverse("calls:dossiers", args=[dossier.call.slug])))
    lead = lead_of(dossier)
    for expected in ("RESO", dossier.title, "Bretagne", lead.display_name, "Déposé"):
        assert expected in page, expected
    assert 'data-state="deposited"' in page


def test_the_dossiers_list_filters_by_state_and_wave_and_ignores_bad_values(client):
    """``etat`` and ``vague`` filter; a value that is not one of the call's is ignored."""
    call = CallFactory()
    draft = DossierFactory(call=call)
    deposited = _deposit(DossierFactory(call=call))
    second = DossierFactory(call=call, wave=call.waves.get(number=2))
    url = reverse("calls:dossiers", args=[call.slug])
    client.force_login(manager_of(call))
    assert ids_of(client.get(url, {"etat": "deposited"}), "dossier-row") == [str(deposited.pk)]
    assert ids_of(client.get(url, {"vague": "2"}), "dossier-row") == [str(second.pk)]
    everything = {str(draft.pk), str(deposited.pk), str(second.pk)}
    for bad in ({"etat": "<script>"}, {"vague": "9"}, {"vague": "abc"}, {"vague": "-1"}):
        response = client.get(url, bad)
        assert response.status_code == 200
        assert set(ids_of(response, "dossier-row")) == everything
    assert "<script>" not in client.get(url, {"etat": "<script>"}).content.decode()


# --- a new dossier ------------------------------------------------------------------------------


def test_an_agent_starts_a_dossier_with_their_own_service(client):
    """With the sigle left empty, the dossier's operational service is the agent's own; the
    agent is its lead and lands on its workspace."""
    call = CallFactory()
    agent = AgentFactory(service=ServiceFactory(regional=True, short_name="DREAL BZH"))
    bretagne = Region.objects.get(code="53")
    client.force_login(agent)
    form = client.get(reverse("calls:dossier_new", args=[call.slug]))
    assert form.status_code == 200
    assert "Laissez vide pour votre service, DREAL BZH" in html(form)
    response = client.post(
        reverse("calls:dossier_new", args=[call.slug]),
        {"title": "Réseau des instructeurs ICPE", "region": bretagne.pk, "service": ""},
    )
    assert response.status_code == 302, errors_of(response)
    dossier = Dossier.objects.get(call=call)
    assert response["Location"] == reverse("calls:dossier", args=[call.slug, dossier.pk])
    assert dossier.operational_service == agent.service
    assert dossier.region == bretagne
    assert dossier.wave.number == 1
    assert lead_of(dossier) == agent


def test_a_dossier_names_another_service_by_its_sigle(client):
    """A sigle of the chosen region names the operational service, whatever its case."""
    call = CallFactory()
    service = ServiceFactory(short_name="DDTM 35")
    client.force_login(AgentFactory())
    response = client.post(
        reverse("calls:dossier_new", args=[call.slug]),
        {"title": "Projet", "region": service.region_id, "service": "ddtm 35"},
    )
    assert response.status_code == 302, errors_of(response)
    assert Dossier.objects.get(call=call).operational_service == service


def test_a_new_dossier_says_what_is_wrong(client):
    """No title, no region, an unknown sigle: a 400 with each French reason next to its field,
    no dossier."""
    call = CallFactory()
    client.force_login(AgentFactory())
    url = reverse("calls:dossier_new", args=[call.slug])
    response = client.post(url, {"title": "", "region": "abc", "service": ""})
    assert response.status_code == 400
    page = html(response)
    assert "Donnez un titre au projet." in page
    assert "Choisissez la région du préfet porteur de projet." in page
    response = client.post(
        url, {"title": "Projet", "region": Region.objects.get(code="53").pk, "service": "XYZ"}
    )
    assert response.status_code == 400
    assert "Aucun service de cette région n'a ce sigle." in html(response)
    assert 'aria-describedby="dossier-service-hint dossier-service-error"' in html(response)
    assert not Dossier.objects.exists()


def test_an_external_partner_cannot_start_a_dossier(client):
    """An external partner reading the call is sent back with the reason, nothing created."""
    call = CallFactory()
    external = ExternalAgentFactory()
    add_member(DossierFactory(call=call), external, DossierMember.Role.PARTNER)
    client.force_login(external)
    response = client.post(
        reverse("calls:dossier_new", args=[call.slug]),
        {"title": "Projet", "region": Region.objects.get(code="53").pk},
        follow=True,
    )
    assert "Cet appel n'accepte pas de nouveau dossier." in messages_of(response)
    assert Dossier.objects.filter(call=call).count() == 1


def test_pages_of_an_unknown_call_are_not_found(client):
    """Every page of a call that does not exist is a 404, never a 500."""
    client.force_login(AgentFactory())
    for name in ("call", "roles", "dossiers", "dossier_new"):
        assert client.get(reverse(f"calls:{name}", args=["nulle-part"])).status_code == 404
