"""A call created and configured in the browser (R36, §7.1): who may create one, a call built
from the 2016 template with its waves shifted, its settings saved or refused with French
messages, the rules of its waves, the pages' access, errors and escaping."""

import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from calls import configuration
from calls.configuration import ConfigurationError
from calls.models import Call, CallRole, Dossier, Wave
from calls.services import CallError
from directory.models import Region
from tests.calls.factories import CallFactory, DossierFactory, at_state, grant, paris
from tests.factories import AgentFactory, ExternalAgentFactory

pytestmark = pytest.mark.django_db

R = CallRole.Role
TEMPLATE = "communautes-2016"


def html(response):
    return unescape(response.content.decode())


def errors_of(response):
    """The French errors beside the fields of a page, and above its form."""
    page = html(response)
    return re.findall(r'class="fr-error-text">([^<]*)<', page) + re.findall(
        r'data-testid="form-error"><p>([^<]*)<', page
    )


def bretagne():
    return Region.objects.get(code="53")


def other_region():
    return Region.objects.exclude(code="53").order_by("code").first()


def soon(days=40):
    return timezone.localdate() + timedelta(days=days)


def create(actor, **kwargs):
    values = {
        "template": TEMPLATE,
        "title": "Communautés professionnelles 2027",
        "scope": Call.Scope.NATIONAL,
        "region": None,
        "first_closing": soon(),
    }
    values.update(kwargs)
    return configuration.call_create(actor=actor, **values)


def managed_call(**kwargs):
    call = CallFactory(**kwargs)
    return call, grant(call, R.MANAGER)


# --- who creates a call -------------------------------------------------------------------------


def test_an_administrator_creates_a_national_or_regional_call():
    """A platform administrator creates a national call and a regional call of any region; both
    unpublished, recorded as created by them."""
    admin = AgentFactory(platform_admin=True)
    national = create(admin)
    regional = create(admin, title="Appel breton", scope=Call.Scope.REGIONAL, region=bretagne())
    assert national.scope == Call.Scope.NATIONAL and national.region is None
    assert regional.scope == Call.Scope.REGIONAL and regional.region == bretagne()
    assert not national.is_published and not regional.is_published
    assert national.created_by == admin


def test_an_sgar_creates_a_regional_call_of_their_region_only():
    """An SGAR officer creates a regional call of their region, and is refused another
    region's and a national call."""
    sgar = AgentFactory(sgar=True)
    call = create(sgar, scope=Call.Scope.REGIONAL, region=bretagne())
    assert call.region == bretagne()
    with pytest.raises(CallError, match="que pour sa région"):
        create(sgar, scope=Call.Scope.REGIONAL, region=other_region())
    with pytest.raises(ConfigurationError) as refused:
        create(sgar)
    assert refused.value.errors == {"scope": ["Un SGAR crée un appel régional de sa région."]}
    assert Call.objects.count() == 1


@pytest.mark.parametrize("who", ["agent", "external"])
def test_an_agent_or_an_external_partner_creates_no_call(who):
    """Neither a plain agent nor an external partner may create a call."""
    actor = AgentFactory() if who == "agent" else ExternalAgentFactory()
    assert not configuration.can_create_call(actor)
    with pytest.raises(CallError) as refused:
        create(actor)
    assert refused.value.code == "forbidden"
    assert not Call.objects.exists()


def test_a_call_from_the_template_has_its_grid_pieces_and_shifted_waves():
    """The new call has the 2016 themes, its eight pieces, its grid, and its two waves shifted so
    the first closes on the chosen day at 17:00 Paris time, the second as many days later as in
    2016 (15 June → 26 October: 133 days), selection dates moved alike; a unique slug."""
    admin = AgentFactory(platform_admin=True)
    first = soon(60)
    call = create(admin, first_closing=first)
    again = create(admin, first_closing=first)
    assert call.slug == "communautes-professionnelles-2027"
    assert again.slug == "communautes-professionnelles-2027-2"
    assert call.piece_kinds.count() == 8
    assert call.criteria.filter(parent=None).count() == 6
    assert call.themes.exists()
    waves = list(call.waves.order_by("number"))
    assert [w.envelope_share for w in waves] == [40, 60]
    assert waves[0].deadline == paris(first.year, first.month, first.day)
    second = first + timedelta(days=(date(2016, 10, 26) - date(2016, 6, 15)).days)
    assert waves[1].deadline == paris(second.year, second.month, second.day)
    assert waves[0].selection_date == first + timedelta(days=46)


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"first_closing": date(2020, 1, 1)}, "first_closing", "doit être à venir"),
        ({"region": "bretagne"}, "region", "Un appel national n'a pas de région."),
        ({"scope": "regional"}, "region", "Un appel régional a une région"),
        ({"title": "  "}, "title", "Donnez un titre à l'appel."),
        ({"template": "inconnu"}, "template", "Choisissez un modèle d'appel."),
    ],
)
def test_a_call_is_refused_with_its_french_message(kwargs, field, message):
    """A closing day past, a region for a national call, a regional call without region, an
    empty title, an unknown template: refused beside the field, nothing created."""
    if kwargs.get("region") == "bretagne":
        kwargs["region"] = bretagne()
    with pytest.raises(ConfigurationError) as refused:
        create(AgentFactory(platform_admin=True), **kwargs)
    assert message in " ".join(refused.value.errors[field])
    assert not Call.objects.exists()


# --- the call's settings ------------------------------------------------------------------------


def test_a_manager_configures_the_call():
    """The settings are written: caps, formats (kept in the list's order), size, deposit
    elsewhere with its address, contacts."""
    call, manager = managed_call()
    configuration.call_configure(
        actor=manager,
        call=call,
        title="Appel 2027",
        envelope=Decimal("3000"),
        max_total_cost=Decimal("400"),
        max_requested=Decimal("200"),
        accepted_formats=["pdf", "odt"],
        max_dossier_bytes=5 * 1024 * 1024,
        deposit=Call.Deposit.ELSEWHERE,
        deposit_url="https://www.demarches-simplifiees.fr/appel",
        contacts="Mission numérique",
    )
    call.refresh_from_db()
    assert call.title == "Appel 2027"
    assert call.accepted_formats == ["odt", "pdf"]
    assert call.max_dossier_bytes == 5 * 1024 * 1024
    assert call.deposit == Call.Deposit.ELSEWHERE


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"deposit": "elsewhere", "deposit_url": ""}, "deposit_url", "Indiquez l'adresse"),
        ({"accepted_formats": ["exe"]}, "accepted_formats", "à choisir parmi"),
        ({"accepted_formats": []}, "accepted_formats", "au moins un format"),
        ({"max_requested": Decimal("600")}, "max_requested", "ne peut dépasser le coût total"),
        ({"envelope": Decimal("-1")}, "envelope", "ne peut pas être négatif"),
        ({"title": ""}, "title", "Donnez un titre"),
    ],
)
def test_settings_are_refused_with_their_french_message(fields, field, message):
    """A deposit elsewhere without address, a format outside the list or none, financing above
    the total cost, a negative amount, an empty title: refused, nothing stored."""
    call, manager = managed_call()
    with pytest.raises(ConfigurationError) as refused:
        configuration.call_configure(actor=manager, call=call, **fields)
    assert message in " ".join(refused.value.errors[field])
    call.refresh_from_db()
    assert call.deposit == Call.Deposit.PLATFORM and call.envelope == Decimal("6000")


def test_only_managers_configure_and_unknown_fields_are_refused():
    """A plain agent is refused; a manager may not write a field outside the settings."""
    call, manager = managed_call()
    with pytest.raises(CallError) as refused:
        configuration.call_configure(actor=AgentFactory(), call=call, title="Autre")
    assert refused.value.code == "forbidden"
    with pytest.raises(CallError, match="ne se configurent pas"):
        configuration.call_configure(actor=manager, call=call, published_at=timezone.now())


# --- waves --------------------------------------------------------------------------------------


def test_a_wave_is_added_after_the_last_at_17_paris_time():
    """A new wave is numbered after the last, closes at 17:00 Paris time; the shares then make
    more than 100 % and the warning says so."""
    call, manager = managed_call()
    day = soon(200)
    wave = configuration.wave_save(actor=manager, call=call, deadline_day=day, envelope_share=10)
    assert wave.number == 3
    assert wave.deadline == paris(day.year, day.month, day.day)
    assert configuration.shares_total(call) == 110
    assert "110 %" in configuration.shares_warning(call)


def test_wave_rules_refuse_with_french_messages():
    """A deadline passed, one before the previous wave's, a selection before the closing, and
    an earlier deadline on a wave with deposited dossiers are refused; a later one is an
    extension."""
    call, manager = managed_call()
    first, second = call.waves.order_by("number")
    with pytest.raises(ConfigurationError, match="déjà passée"):
        configuration.wave_save(
            actor=manager, call=call, deadline_day=date(2020, 1, 1), envelope_share=10
        )
    with pytest.raises(ConfigurationError, match="doit suivre celle de la vague 1"):
        configuration.wave_save(
            actor=manager, call=call, wave=second, deadline_day=soon(10), envelope_share=60
        )
    with pytest.raises(ConfigurationError, match="ne peut précéder la clôture"):
        configuration.wave_save(
            actor=manager,
            call=call,
            deadline_day=soon(200),
            selection_date=soon(100),
            envelope_share=0,
        )
    at_state(DossierFactory(call=call, wave=first), Dossier.State.DEPOSITED)
    with pytest.raises(ConfigurationError, match="jamais avancée"):
        configuration.wave_save(
            actor=manager, call=call, wave=first, deadline_day=soon(20), envelope_share=40
        )
    later = configuration.wave_save(
        actor=manager, call=call, wave=first, deadline_day=soon(35), envelope_share=40
    )
    assert later.deadline.date() == soon(35)


def test_a_wave_with_dossiers_is_not_deleted_and_others_are_renumbered():
    """Deleting a wave with a dossier is refused; deleting one without renumbers the next."""
    call, manager = managed_call()
    first, second = call.waves.order_by("number")
    DossierFactory(call=call, wave=second)
    with pytest.raises(CallError, match="La vague 2 a des dossiers"):
        configuration.wave_delete(actor=manager, wave=second)
    configuration.wave_delete(actor=manager, wave=first)
    second.refresh_from_db()
    assert second.number == 1
    assert not Wave.objects.filter(pk=first.pk).exists()


# --- the pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("sgar", 200), ("agent", 403), ("external", 403)],
)
def test_who_reaches_the_new_call_page(client, who, status):
    """Administrators and SGAR officers reach the page and see the link on the list; an agent
    and an external partner get a 403 and no link."""
    agent = {
        "admin": lambda: AgentFactory(platform_admin=True),
        "sgar": lambda: AgentFactory(sgar=True),
        "agent": AgentFactory,
        "external": ExternalAgentFactory,
    }[who]()
    client.force_login(agent)
    assert client.get(reverse("calls:call_new")).status_code == status
    listed = 'data-testid="call-new-link"' in html(client.get(reverse("calls:index")))
    assert listed is (status == 200)


def test_the_new_call_page_creates_a_call_and_shows_its_errors(client):
    """A bad date (« 31/02/2027 ») comes back beside its field with a 400; a good form creates
    the call and leads to its settings."""
    client.force_login(AgentFactory(platform_admin=True))
    url = reverse("calls:call_new")
    form = {"template": TEMPLATE, "title": "Appel 2027", "scope": "national", "region": ""}
    response = client.post(url, {**form, "first_closing": "31/02/2027"})
    assert response.status_code == 400
    assert "Saisissez une date qui existe, au format jj/mm/aaaa." in errors_of(response)
    response = client.post(url, {**form, "first_closing": soon().strftime("%d/%m/%Y")})
    call = Call.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("calls:settings", args=[call.slug])


def test_an_sgar_posting_another_region_is_refused(client):
    """An SGAR officer's form lists only their region; a forged other region is refused and
    nothing is created."""
    client.force_login(AgentFactory(sgar=True))
    url = reverse("calls:call_new")
    page = html(client.get(url))
    assert "Bretagne" in page and other_region().name not in page
    response = client.post(
        url,
        {
            "template": TEMPLATE,
            "title": "Appel",
            "scope": "regional",
            "region": other_region().pk,
            "first_closing": soon().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "Choisissez une région de la liste." in errors_of(response)
    assert not Call.objects.exists()


def test_the_settings_page_saves_and_refuses_bad_input(client):
    """The page takes the size in Mo; a negative cap comes back beside its field; a valid post
    saves and redirects."""
    call, manager = managed_call()
    client.force_login(manager)
    url = reverse("calls:settings", args=[call.slug])
    assert client.get(url).status_code == 200
    form = {
        "title": "Appel 2027",
        "summary": "",
        "category": "Projet d'amorçage",
        "envelope": "6000",
        "max_total_cost": "500",
        "max_requested": "-5",
        "derogation_share": "50",
        "accepted_formats": ["pdf", "odt"],
        "max_dossier_mb": "2,5",
        "scale_max": "5",
        "deposit": "platform",
        "deposit_url": "",
        "contacts": "",
    }
    response = client.post(url, form)
    assert response.status_code == 400
    assert "Le montant ne peut pas être négatif." in errors_of(response)
    response = client.post(url, {**form, "max_requested": "250", "deposit": "elsewhere"})
    assert response.status_code == 400
    assert "Indiquez l'adresse du site où les dossiers sont déposés." in errors_of(response)
    response = client.post(url, {**form, "max_requested": "250"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.max_dossier_bytes == int(2.5 * 1024 * 1024)
    assert call.title == "Appel 2027"


def test_the_waves_page_lists_adds_and_refuses(client):
    """The waves show their closing in Paris time and the shares' warning; a share of 150 is
    refused beside its field; a wave is added."""
    call, manager = managed_call()
    client.force_login(manager)
    url = reverse("calls:waves", args=[call.slug])
    first = call.waves.get(number=1)
    page = html(client.get(url))
    assert configuration.deadlines.french_datetime(first.deadline) in page
    assert 'data-testid="shares-warning"' not in page
    day = soon(200).strftime("%d/%m/%Y")
    form = {"action": "add", "nouvelle-deadline_day": day, "nouvelle-hour": "17"}
    response = client.post(url, {**form, "nouvelle-envelope_share": "150"})
    assert response.status_code == 400
    assert "La part de l'enveloppe est entre 0 et 100 %." in errors_of(response)
    response = client.post(url, {**form, "nouvelle-envelope_share": "10"})
    assert response.status_code == 302
    assert call.waves.count() == 3
    page = html(client.get(url))
    assert 'data-testid="shares-warning"' in page and "110 %" in page


def test_the_waves_page_deletes_and_ignores_a_forged_wave(client):
    """A wave without dossiers is deleted; a wave of another call is a 404."""
    call, manager = managed_call()
    other = CallFactory()
    client.force_login(manager)
    url = reverse("calls:waves", args=[call.slug])
    foreign = other.waves.get(number=1)
    response = client.post(url, {"action": "delete", "wave": foreign.pk})
    assert response.status_code == 404
    assert Wave.objects.filter(pk=foreign.pk).exists()
    wave = call.waves.get(number=2)
    assert client.post(url, {"action": "delete", "wave": wave.pk}).status_code == 302
    assert call.waves.count() == 1


def test_a_manager_of_another_call_reaches_none_of_these_pages(client):
    """A manager of one call gets a 403 on the settings and waves of another published call and
    a 404 on an unpublished one; the call page shows its managers the links."""
    call, manager = managed_call()
    published = CallFactory()
    draft = CallFactory(published_at=None)
    client.force_login(manager)
    for name in ("calls:settings", "calls:waves"):
        assert client.get(reverse(name, args=[published.slug])).status_code == 403
        assert client.post(reverse(name, args=[published.slug]), {}).status_code == 403
        assert client.get(reverse(name, args=[draft.slug])).status_code == 404
    page = html(client.get(call.get_absolute_url()))
    assert reverse("calls:settings", args=[call.slug]) in page
    assert reverse("calls:waves", args=[call.slug]) in page
    page = html(client.get(published.get_absolute_url()))
    assert reverse("calls:settings", args=[published.slug]) not in page


def test_a_script_in_the_title_is_escaped(client):
    """A script typed in the call's title shows as text on the settings and waves pages."""
    call, manager = managed_call(title="<script>alert('x')</script>")
    client.force_login(manager)
    for name in ("calls:settings", "calls:waves"):
        raw = client.get(reverse(name, args=[call.slug])).content.decode()
        assert "<script>alert(" not in raw
        assert "&lt;script&gt;alert(" in raw


@pytest.mark.parametrize(
    ("field", "value", "state", "refused"),
    [
        ("multi_year_plan", True, Dossier.State.DRAFT, False),
        ("multi_year_plan", True, Dossier.State.DEPOSITED, True),
        ("follow_up", Call.FollowUp.ANNUAL, Dossier.State.REVIEWED, False),
        ("follow_up", Call.FollowUp.ANNUAL, Dossier.State.IN_PROGRESS, True),
        ("interim_review_months", 9, Dossier.State.SELECTED, True),
        ("retention_months", 36, Dossier.State.IN_PROGRESS, False),
    ],
)
def test_the_settings_its_dossiers_depend_on_no_longer_change(field, value, state, refused):
    """The financing plan's form is frozen once a dossier is deposited, the follow-up once a
    project is selected (a running project never switches from a final report to annual ones);
    the retention period may change at any time. The refusal is said in French on the field,
    and nothing is saved."""
    call = CallFactory()
    at_state(DossierFactory(call=call), state)
    admin = AgentFactory(platform_admin=True)
    before = getattr(call, field)
    if refused:
        with pytest.raises(ConfigurationError) as error:
            configuration.call_configure(actor=admin, call=call, **{field: value})
        assert "ne change plus" in " ".join(error.value.errors[field])
        call.refresh_from_db()
        assert getattr(call, field) == before
    else:
        configuration.call_configure(actor=admin, call=call, **{field: value})
        call.refresh_from_db()
        assert getattr(call, field) == value
