"""Switching an unpublished call's type (R61 « switching call type to labs changes the pieces
list and the workflow steps »), the settings of how a call runs after the deposit, and the single
deadline of a labs call on the waves page."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from calls import configuration
from calls.configuration import ConfigurationError
from calls.models import Call, CallRole, Dossier
from calls.services import CallError
from tests.calls.factories import DossierFactory, grant
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

R = CallRole.Role


def errors_of(response):
    page = unescape(response.content.decode())
    return (
        re.findall(r'class="fr-error-text">([^<]*)<', page)
        + re.findall(r'class="fr-message fr-message--error">([^<]*)<', page)
        + re.findall(r'role="alert"[^>]*><p>([^<]*)<', page)
    )


def new_call(template="communautes-2016"):
    """An unpublished call built by an administrator from ``template``, and a manager of it."""
    admin = AgentFactory(platform_admin=True)
    call = configuration.call_create(
        actor=admin,
        template=template,
        title="Appel 2031",
        scope=Call.Scope.NATIONAL,
        first_closing=timezone.localdate() + timedelta(days=60),
    )
    return call, grant(call, R.MANAGER)


def codes(call):
    return [p.code for p in call.piece_kinds.order_by("order")]


def test_switching_to_labs_replaces_pieces_grid_and_follow_up_settings():
    """A communities call switched to labs takes the labs pieces (no 10-slide presentation, the
    préfet's commitment and the charter), the five criteria, the audition, the single deadline
    (only its first wave stays, with the whole envelope), the multi-year plan and the annual
    follow-up; its title stays."""
    call, manager = new_call()
    assert "communication" in codes(call) and call.waves.count() == 2
    first_deadline = call.waves.get(number=1).deadline
    switched, removed = configuration.call_switch_kind(
        actor=manager, call=call, kind=Call.Kind.LABS
    )
    call.refresh_from_db()
    assert removed == 1
    assert call.kind == Call.Kind.LABS and call.title == "Appel 2031"
    assert "communication" not in codes(call)
    assert {"engagement-prefet", "charte-organisation"} <= set(codes(call))
    assert [c.code for c in call.criteria.filter(parent__isnull=True)] == ["1", "2", "3", "4", "5"]
    assert call.audition and call.single_deadline and call.multi_year_plan
    assert call.follow_up == Call.FollowUp.ANNUAL and call.interim_review_months == 6
    waves = list(call.waves.all())
    assert [(w.number, w.deadline, w.envelope_share) for w in waves] == [(1, first_deadline, 100)]


def test_switching_back_to_communities_restores_its_template():
    """A labs call switched to communities gets the communities pieces and grid back, and no
    audition, single deadline or multi-year plan; its one wave stays."""
    call, manager = new_call("laboratoires-2016")
    configuration.call_switch_kind(actor=manager, call=call, kind=Call.Kind.COMMUNITIES)
    call.refresh_from_db()
    assert call.kind == Call.Kind.COMMUNITIES
    assert "communication" in codes(call) and "charte-organisation" not in codes(call)
    assert not call.audition and not call.single_deadline and not call.multi_year_plan
    assert call.follow_up == Call.FollowUp.FINAL
    assert call.criteria.filter(parent__isnull=True).count() == 6
    assert call.waves.count() == 1


def test_a_published_call_or_one_with_a_dossier_keeps_its_type():
    """Once published, or once a dossier is opened on it, the switch is refused in French and
    nothing changes; a non-manager is refused; an unknown type is refused beside the field."""
    call, manager = new_call()
    DossierFactory(call=call)
    with pytest.raises(CallError, match="Des dossiers sont ouverts") as refused:
        configuration.call_switch_kind(actor=manager, call=call, kind=Call.Kind.LABS)
    assert refused.value.code == "conflict"
    published, manager2 = new_call()
    Call.objects.filter(pk=published.pk).update(published_at=timezone.now())
    published.refresh_from_db()
    with pytest.raises(CallError, match="L'appel est publié"):
        configuration.call_switch_kind(actor=manager2, call=published, kind=Call.Kind.LABS)
    fresh, _manager = new_call()
    with pytest.raises(CallError) as forbidden:
        configuration.call_switch_kind(actor=AgentFactory(), call=fresh, kind=Call.Kind.LABS)
    assert forbidden.value.code == "forbidden"
    with pytest.raises(ConfigurationError) as unknown:
        configuration.call_switch_kind(actor=_manager, call=fresh, kind="hackathon")
    assert "kind" in unknown.value.errors
    for unchanged in (call, published, fresh):
        unchanged.refresh_from_db()
        assert unchanged.kind == Call.Kind.COMMUNITIES
        assert "communication" in codes(unchanged)


def test_the_settings_page_switches_the_type(client):
    """« Type d'appel » on the settings page: the manager picks labs, the page redirects with
    the French confirmation, the pieces are the labs'."""
    call, manager = new_call()
    client.force_login(manager)
    url = reverse("calls:settings", args=[call.slug])
    page = unescape(client.get(url).content.decode())
    assert "Type d'appel" in page and 'data-testid="kind-form"' in page
    response = client.post(url, {"action": "kind", "type-kind": "labs"}, follow=True)
    assert response.status_code == 200
    assert "Laboratoires d'innovation territoriale" in unescape(response.content.decode())
    call.refresh_from_db()
    assert call.kind == Call.Kind.LABS and "charte-organisation" in codes(call)


def test_the_settings_page_refuses_a_bad_type_and_a_published_switch(client):
    """A forged type is refused beside the field (400); on a published call the form is not
    offered and a forged post is refused with the French message (400)."""
    call, manager = new_call()
    client.force_login(manager)
    url = reverse("calls:settings", args=[call.slug])
    response = client.post(url, {"action": "kind", "type-kind": "<script>x</script>"})
    assert response.status_code == 400
    assert "Choisissez un type d'appel de la liste." in errors_of(response)
    assert "<script>x</script>" not in response.content.decode()
    Call.objects.filter(pk=call.pk).update(published_at=timezone.now())
    page = client.get(url).content.decode()
    assert 'data-testid="kind-form"' not in page and 'data-testid="kind-locked"' in page
    response = client.post(url, {"action": "kind", "type-kind": "labs"})
    assert response.status_code == 400
    assert "son type ne peut plus changer" in unescape(response.content.decode())
    call.refresh_from_db()
    assert call.kind == Call.Kind.COMMUNITIES


def test_only_managers_reach_the_type_switch(client):
    """An agent who does not manage the call cannot switch its type: 404 on an unpublished
    call (they cannot read it), nothing changed."""
    call, _manager = new_call()
    client.force_login(AgentFactory())
    response = client.post(
        reverse("calls:settings", args=[call.slug]), {"action": "kind", "type-kind": "labs"}
    )
    assert response.status_code in (403, 404)
    call.refresh_from_db()
    assert call.kind == Call.Kind.COMMUNITIES


SETTINGS_FORM = {
    "title": "Appel 2031",
    "summary": "",
    "category": "Projet d'amorçage",
    "envelope": "6000",
    "max_total_cost": "500",
    "max_requested": "250",
    "derogation_share": "50",
    "accepted_formats": ["pdf", "odt"],
    "max_dossier_mb": "10",
    "scale_max": "5",
    "deposit": "platform",
    "deposit_url": "",
    "contacts": "",
}


def test_the_settings_page_edits_the_follow_up_settings(client):
    """The French labels of the new settings are on the page; a valid post stores audition,
    multi-year plan, annual follow-up, interim review and retention months."""
    call, manager = new_call()
    client.force_login(manager)
    url = reverse("calls:settings", args=[call.slug])
    page = unescape(client.get(url).content.decode())
    for label in (
        "Audition des candidats présélectionnés",
        "Une seule date de dépôt",
        "Plan de financement pluriannuel",
        "Suivi des projets retenus",
        "Revue intermédiaire après (mois)",
        "Conservation des dossiers non retenus (mois)",
    ):
        assert label in page
    response = client.post(
        url,
        {
            **SETTINGS_FORM,
            "audition": "on",
            "multi_year_plan": "on",
            "follow_up": "annual",
            "interim_review_months": "7",
            "retention_months": "36",
        },
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.audition and call.multi_year_plan and not call.single_deadline
    assert call.follow_up == "annual"
    assert (call.interim_review_months, call.retention_months) == (7, 36)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"interim_review_months": "0"}, "Indiquez un nombre de mois entre 1 et 60."),
        ({"interim_review_months": "douze"}, "Saisissez un nombre entier de mois."),
        ({"retention_months": "500"}, "Indiquez un nombre de mois entre 1 et 120."),
        ({"follow_up": "weekly"}, "Choisissez le mode de suivi des projets."),
        ({"single_deadline": "on"}, "L'appel a 2 vagues"),
    ],
)
def test_the_settings_page_refuses_bad_follow_up_settings(client, fields, message):
    """Months out of range or not a number, an unknown follow-up, a single deadline while the
    call has two waves: 400 with the French message beside the field, nothing stored."""
    call, manager = new_call()
    client.force_login(manager)
    response = client.post(reverse("calls:settings", args=[call.slug]), {**SETTINGS_FORM, **fields})
    assert response.status_code == 400
    assert any(message in error for error in errors_of(response))
    call.refresh_from_db()
    assert not call.single_deadline and call.interim_review_months == 6
    assert call.retention_months == 24 and call.follow_up == "final"


def test_the_audition_cannot_be_removed_while_a_candidate_is_shortlisted():
    """A call with a dossier « présélectionné, audition » keeps its audition (French message
    beside the field)."""
    call, manager = new_call("laboratoires-2016")
    dossier = DossierFactory(call=call)
    Dossier.objects.filter(pk=dossier.pk).update(state=Dossier.State.AUDITION)
    with pytest.raises(ConfigurationError) as refused:
        configuration.call_configure(actor=manager, call=call, audition=False)
    assert "audition" in refused.value.errors
    call.refresh_from_db()
    assert call.audition


def test_a_single_deadline_call_refuses_a_second_wave(client):
    """The waves page of a labs call offers no second wave, and a forged post adding one is
    refused with the French message; its one wave may still be moved."""
    call, manager = new_call("laboratoires-2016")
    client.force_login(manager)
    url = reverse("calls:waves", args=[call.slug])
    page = client.get(url).content.decode()
    assert 'data-testid="single-deadline"' in page
    day = timezone.localdate() + timedelta(days=120)
    response = client.post(
        url,
        {
            "action": "add",
            "nouvelle-deadline_day": day.isoformat(),
            "nouvelle-hour": "17",
            "nouvelle-envelope_share": "0",
        },
    )
    assert response.status_code == 400
    assert any("qu'une seule date de dépôt" in e for e in errors_of(response))
    assert call.waves.count() == 1
    with pytest.raises(ConfigurationError, match="qu'une seule date de dépôt"):
        configuration.wave_save(actor=manager, call=call, deadline_day=day, envelope_share=0)
    wave = call.waves.get()
    moved = configuration.wave_save(
        actor=manager, call=call, wave=wave, deadline_day=day, envelope_share=100
    )
    assert moved.pk == wave.pk and call.waves.count() == 1
