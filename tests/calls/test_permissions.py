"""Who may do what on the calls for projects, written out as tables and checked cell by cell
(``calls.permissions``), then against the querysets the lists and the search read.

The call is a regional call of Bretagne. The people:

- stranger: a State agent with no role; external: an external partner with no role;
- lead, team, sponsor: the dossier's operational lead, a team member, the préfet sponsor;
- partner: an external partner's representative on the dossier;
- manager: named manager of the call; admin: a platform administrator (the national role);
- sgar: the SGAR officer of Bretagne; sgar_other: the SGAR officer of Normandie;
- committee, cdc: the steering committee member, the CDC's financial follow-up;
- expert: the expert assigned to the dossier; other_expert: an expert of the call not assigned.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from calls.models import CallRole, Dossier, DossierMember, ExpertAssignment
from calls.permissions import (
    call_abilities,
    calls_readable_by,
    dossier_abilities,
    dossiers_readable_by,
)
from directory.models import Region
from maillage import policy
from tests.calls.factories import CallFactory, DossierFactory, add_member, grant, lead_of
from tests.factories import AgentFactory, ExternalAgentFactory

pytestmark = pytest.mark.django_db

S = Dossier.State
R = CallRole.Role
PEOPLE = [
    "stranger",
    "external",
    "lead",
    "team",
    "sponsor",
    "partner",
    "manager",
    "admin",
    "sgar",
    "sgar_other",
    "committee",
    "cdc",
    "expert",
    "other_expert",
]

# x: allowed, -: refused. One row per ability and dossier state.
DOSSIER_MATRIX = """
ability                  state        stranger external lead team sponsor partner manager admin sgar sgar_other committee cdc expert other_expert
can_read                 draft        -        -        x    x    x       x       x       x     x    -          -         -   -      -
can_read                 deposited    -        -        x    x    x       x       x       x     x    -          x         -   x      -
can_read                 evaluation   -        -        x    x    x       x       x       x     x    -          x         -   x      -
can_read                 selected     -        -        x    x    x       x       x       x     x    -          x         x   x      -
can_edit                 draft        -        -        x    x    x       -       -       -     -    -          -         -   -      -
can_edit                 deposited    -        -        -    -    -       -       -       -     -    -          -         -   -      -
can_upload               draft        -        -        x    x    x       x       -       -     -    -          -         -   -      -
can_manage_team          draft        -        -        x    -    x       -       -       -     -    -          -         -   -      -
can_deposit              draft        -        -        x    -    x       -       -       -     -    -          -         -   -      -
can_deposit              deposited    -        -        -    -    -       -       -       -     -    -          -         -   -      -
can_withdraw             deposited    -        -        x    -    x       -       -       -     -    -          -         -   -      -
can_screen               deposited    -        -        -    -    -       -       x       x     x    -          -         -   -      -
can_assign_experts       evaluation   -        -        -    -    -       -       x       x     x    -          -         -   -      -
can_evaluate             evaluation   -        -        -    -    -       -       -       -     -    -          -         -   x      -
can_request_information  evaluation   -        -        -    -    -       -       -       -     -    -          -         -   x      -
can_complete             evaluation   -        -        x    x    x       -       -       -     -    -          -         -   -      -
can_record_opinion       evaluation   -        -        -    -    -       -       x       x     x    -          -         -   -      -
can_decide               reviewed     -        -        -    -    -       -       x       x     x    -          x         -   -      -
can_decide               evaluation   -        -        -    -    -       -       -       -     -    -          -         -   -      -
can_read_evaluations     reviewed     -        -        -    -    -       -       x       x     x    -          x         -   -      -
can_create_community     selected     -        -        -    -    -       -       x       x     x    -          -         -   -      -
can_create_community     in_progress  -        -        -    -    -       -       x       x     x    -          -         -   -      -
can_create_community     closed       -        -        -    -    -       -       -       -     -    -          -         -   -      -
can_export               deposited    -        -        x    x    x       -       x       x     x    -          -         -   -      -
can_record_opinion       audition     -        -        -    -    -       -       x       x     x    -          -         -   -      -
can_read                 in_progress  -        -        x    x    x       x       x       x     x    -          x         x   x      -
can_read                 closed       -        -        x    x    x       x       x       x     x    -          x         x   x      -
can_read_follow_up       evaluation   -        -        -    -    -       -       -       -     -    -          -         -   -      -
can_read_follow_up       selected     -        -        x    x    x       -       x       x     x    -          -         x   -      -
can_read_follow_up       closed       -        -        x    x    x       -       x       x     x    -          -         x   -      -
can_edit_convention      selected     -        -        x    -    x       -       x       x     x    -          -         x   -      -
can_edit_convention      in_progress  -        -        -    -    -       -       -       -     -    -          -         -   -      -
can_sign_convention      selected     -        -        -    -    -       -       x       x     x    -          -         x   -      -
can_sign_convention      reviewed     -        -        -    -    -       -       -       -     -    -          -         -   -      -
can_manage_tranches      selected     -        -        -    -    -       -       -       -     -    -          -         -   -      -
can_manage_tranches      in_progress  -        -        -    -    -       -       x       x     x    -          -         x   -      -
can_define_indicators    selected     -        -        x    -    x       -       x       x     x    -          -         -   -      -
can_define_indicators    final_report -        -        -    -    -       -       -       -     -    -          -         -   -      -
can_enter_values         in_progress  -        -        x    x    x       -       -       -     -    -          -         -   -      -
can_enter_values         closed       -        -        -    -    -       -       -       -     -    -          -         -   -      -
can_review_values        in_progress  -        -        -    -    -       -       x       x     x    -          -         -   -      -
can_submit_report        in_progress  -        -        x    -    x       -       -       -     -    -          -         -   -      -
can_submit_report        final_report -        -        -    -    -       -       -       -     -    -          -         -   -      -
can_review               final_report -        -        -    -    -       -       x       x     x    -          -         -   -      -
can_close                final_report -        -        -    -    -       -       x       x     x    -          -         -   -      -
can_close                in_progress  -        -        -    -    -       -       -       -     -    -          -         -   -      -
can_publish_story        closed       -        -        x    -    x       -       x       x     x    -          -         -   -      -
can_publish_story        final_report -        -        -    -    -       -       -       -     -    -          -         -   -      -
can_shortlist            evaluation   -        -        -    -    -       -       -       -     -    -          -         -   -      -
"""

CALL_MATRIX = """
ability          published stranger external lead team sponsor partner manager admin sgar sgar_other committee cdc expert other_expert
can_read         yes       x        -        x    x    x       x       x       x     x    x          x         x   x      x
can_read         no        -        -        -    -    -       -       x       x     x    -          -         -   -      -
can_manage       yes       -        -        -    -    -       -       x       x     x    -          -         -   -      -
can_answer       yes       -        -        -    -    -       -       x       x     x    -          -         -   -      -
can_apply        yes       x        -        x    x    x       -       x       x     x    x          x         x   x      x
can_apply        no        -        -        -    -    -       -       -       -     -    -          -         -   -      -
"""


def rows(matrix):
    lines = [line.split() for line in matrix.strip().splitlines()]
    header = lines[0]
    assert header[2:] == PEOPLE, "the columns are the people, in order"
    for line in lines[1:]:
        ability, state, *cells = line
        assert len(cells) == len(PEOPLE), line
        yield ability, state, dict(zip(PEOPLE, (cell == "x" for cell in cells), strict=True))


@pytest.fixture
def world():
    call = CallFactory(regional=True)
    dossier = DossierFactory(call=call)
    normandie = Region.objects.get(code="28")
    people = {
        "stranger": AgentFactory(),
        "external": ExternalAgentFactory(),
        "lead": lead_of(dossier),
        "team": add_member(dossier),
        "sponsor": add_member(dossier, role=DossierMember.Role.SPONSOR),
        "partner": add_member(dossier, ExternalAgentFactory(), role=DossierMember.Role.PARTNER),
        "manager": grant(call, R.MANAGER),
        "admin": AgentFactory(platform_admin=True),
        "sgar": AgentFactory(sgar=True),
        "sgar_other": AgentFactory(role="sgar", sgar_region=normandie),
        "committee": grant(call, R.COMMITTEE),
        "cdc": grant(call, R.CDC),
        "expert": grant(call, R.EXPERT),
        "other_expert": grant(call, R.EXPERT),
    }
    ExpertAssignment.objects.create(dossier=dossier, expert=people["expert"])
    return call, dossier, people


def set_state(dossier, state):
    Dossier.objects.filter(pk=dossier.pk).update(state=state)
    dossier.state = state


@pytest.mark.parametrize(
    ("ability", "state", "expected"),
    list(rows(DOSSIER_MATRIX)),
    ids=[f"{a}-{s}" for a, s, _e in rows(DOSSIER_MATRIX)],
)
def test_dossier_matrix(world, ability, state, expected):
    """Each cell of the dossier's table: the abilities answer as written."""
    _call, dossier, people = world
    set_state(dossier, state)
    answers = {}
    for name, agent in people.items():
        with policy.scope():
            answers[name] = bool(getattr(dossier_abilities(agent, dossier), ability))
    assert answers == expected


@pytest.mark.parametrize(
    ("ability", "published", "expected"),
    list(rows(CALL_MATRIX)),
    ids=[f"{a}-{p}" for a, p, _e in rows(CALL_MATRIX)],
)
def test_call_matrix(world, ability, published, expected):
    """Each cell of the call's table (a wave is open)."""
    call, _dossier, people = world
    call.published_at = timezone.now() if published == "yes" else None
    call.save(update_fields=["published_at"])
    answers = {}
    for name, agent in people.items():
        with policy.scope():
            value = getattr(call_abilities(agent, call), ability)
            answers[name] = bool(value() if callable(value) else value)
    assert answers == expected


@pytest.mark.parametrize(
    "state", [S.DRAFT, S.DEPOSITED, S.EVALUATION, S.SELECTED, S.IN_PROGRESS, S.CLOSED]
)
def test_the_lists_agree_with_the_abilities(world, state):
    """``dossiers_readable_by`` (lists, search, exports) holds the dossier exactly for those the
    abilities let read it; ``calls_readable_by`` the call likewise."""
    call, dossier, people = world
    set_state(dossier, state)
    for name, agent in people.items():
        with policy.scope():
            readable = dossier_abilities(agent, dossier).can_read
            call_readable = call_abilities(agent, call).can_read
        listed = dossiers_readable_by(agent).filter(pk=dossier.pk).exists()
        assert listed == readable, name
        assert calls_readable_by(agent).filter(pk=call.pk).exists() == call_readable, name


def test_nobody_signed_out_reads_anything(world):
    """A visitor who is not signed in reads no call and no dossier."""
    call, dossier, _people = world
    visitor = AnonymousUser()
    assert not call_abilities(visitor, call).can_read
    assert not dossier_abilities(visitor, dossier).can_read
    assert not dossiers_readable_by(visitor).exists()
    assert not calls_readable_by(visitor).exists()


def test_a_closed_account_loses_every_right(world):
    """An agent whose account is closed keeps no role."""
    _call, dossier, people = world
    lead = people["lead"]
    lead.closed_at = timezone.now()
    lead.save()
    assert not dossier_abilities(lead, dossier).can_read
    assert not dossiers_readable_by(lead).exists()


def test_no_wave_open_means_no_new_dossier(world):
    """When every wave has closed, nobody starts a dossier."""
    call, _dossier, people = world
    call.waves.update(deadline=timezone.now() - timezone.timedelta(minutes=1))
    for agent in people.values():
        assert not call_abilities(agent, call).can_apply()


def test_the_roles_read_through_the_platform_registry(world):
    """``directory.roles.roles_on`` answers the calls' roles: the SGAR of the region manages
    the regional call, the assigned expert is « expert » on the dossier, a stranger nothing."""
    from directory.roles import roles_on

    call, dossier, people = world
    assert roles_on(people["sgar"], call) == {"manager"}
    assert roles_on(people["committee"], call) == {"committee"}
    assert roles_on(people["lead"], dossier) == {"lead"}
    assert roles_on(people["expert"], dossier) == {"expert"}
    assert roles_on(people["stranger"], call) == set()
    assert roles_on(people["stranger"], dossier) == set()


def test_the_audition_is_for_a_call_with_one(world):
    """Only a call with an audition (the labs call) lets its managers shortlist a dossier in
    evaluation; then they schedule it, and nobody else does."""
    call, dossier, people = world
    call.audition = True
    call.save(update_fields=["audition"])
    set_state(dossier, S.EVALUATION)
    for ability, state, allowed in (
        ("can_shortlist", S.EVALUATION, {"manager", "admin", "sgar"}),
        ("can_schedule_audition", S.AUDITION, {"manager", "admin", "sgar"}),
        ("can_shortlist", S.AUDITION, set()),
    ):
        set_state(dossier, state)
        for name, agent in people.items():
            with policy.scope():
                answer = bool(getattr(dossier_abilities(agent, dossier), ability))
            assert answer == (name in allowed), (ability, state, name)


@pytest.mark.parametrize(
    ("state", "reads"),
    [(S.REVIEWED, False), (S.SELECTED, True), (S.IN_PROGRESS, True), (S.CLOSED, True)],
)
def test_the_sgar_officer_of_the_region_follows_a_national_calls_project(state, reads):
    """On a national call, the SGAR officer of the project's region reads the project from its
    selection on, follows it and reviews its indicators, without managing the call; the SGAR
    officer of another region sees nothing."""
    call = CallFactory()
    dossier = DossierFactory(call=call)
    set_state(dossier, state)
    sgar = AgentFactory(sgar=True)
    assert dossier.region_id == sgar.sgar_region_id
    other = AgentFactory(role="sgar", sgar_region=Region.objects.get(code="28"))
    with policy.scope():
        abilities = dossier_abilities(sgar, dossier)
        assert abilities.can_read is reads
        assert abilities.can_read_follow_up is reads
        assert abilities.can_review_values is (state in (S.IN_PROGRESS, S.CLOSED))
        assert not abilities.can_sign_convention
        assert not abilities.can_manage_tranches
        assert not abilities.can_close
    assert dossiers_readable_by(sgar).filter(pk=dossier.pk).exists() is reads
    with policy.scope():
        assert not dossier_abilities(other, dossier).can_read
    assert not dossiers_readable_by(other).filter(pk=dossier.pk).exists()
