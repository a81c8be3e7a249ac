"""Who may do what on the calls for projects: the call's roles (``CallRole``: managers, experts,
steering committee, CDC) and the dossier's (``DossierMember``: the préfet de région sponsor, the
operational lead, the team, the partners' representatives), read once per request through the
policy's scope. Registered with ``maillage.policy`` by ``calls.registrations``.

The written matrix is ``docs/calls.md`` « Qui peut quoi », and ``tests/calls/test_permissions.py``
checks it cell by cell.

- A call is managed by the platform administrators (the national role), the agents it names
  managers, and, for a regional call, the SGAR officers of its region.
- A published call is read by every State agent (not the external partners, who read only the
  calls of a dossier they are a member of); an unpublished one by its managers only.
- A dossier is read by its members, by the call's managers, by the steering committee and the
  experts assigned to it once it is deposited, and, once selected, by the CDC and the SGAR
  officers of its region (who follow the project and review its indicators).
- A draft is written by its sponsor, lead and team; nothing changes after the deposit but
  through the workflow and an expert's information request.
"""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q
from django.utils import timezone

from calls.models import Call, CallRole, Dossier, DossierMember, ExpertAssignment
from directory.roles import principal
from maillage import policy

R = CallRole.Role
M = DossierMember.Role
S = Dossier.State

# The states in which the steering committee and the assigned experts read a dossier.
EVALUATED = (
    S.DEPOSITED,
    S.EVALUATION,
    S.AUDITION,
    S.REVIEWED,
    S.REFERRED,
    S.SELECTED,
    S.NOT_SELECTED,
    S.PROMISING,
    S.INELIGIBLE,
    S.IN_PROGRESS,
    S.FINAL_REPORT,
    S.CLOSED,
)
DECIDED = (S.SELECTED, S.NOT_SELECTED, S.PROMISING)
# A selected project's life after the decision: the convention, the funding, the follow-up.
FOLLOWED = (S.SELECTED, S.IN_PROGRESS, S.FINAL_REPORT, S.CLOSED)
# While the project runs: values entered, tranches paid, reports submitted.
RUNNING = (S.IN_PROGRESS, S.FINAL_REPORT)


def _active(agent):
    return bool(agent and agent.is_authenticated and agent.is_active and not agent.is_closed)


def call_roles(agent, call):
    """The roles ``agent`` holds on ``call`` (remembered for the request)."""
    if not _active(agent):
        return frozenset()
    return policy.remembered(
        ("calls:roles", agent.pk, call.pk),
        lambda: frozenset(
            CallRole.objects.filter(agent=agent, call=call).values_list("role", flat=True)
        ),
    )


def dossier_role(agent, dossier):
    """The role of ``agent`` on ``dossier``, or None."""
    if not _active(agent):
        return None
    return policy.remembered(
        ("calls:member", agent.pk, dossier.pk),
        lambda: (
            DossierMember.objects.filter(agent=agent, dossier=dossier)
            .values_list("role", flat=True)
            .first()
        ),
    )


def is_assigned_expert(agent, dossier):
    if not _active(agent):
        return False
    return policy.remembered(
        ("calls:expert", agent.pk, dossier.pk),
        lambda: ExpertAssignment.objects.filter(expert=agent, dossier=dossier).exists(),
    )


def manages(agent, call):
    """The platform administrators (national role), the call's managers, a regional call's
    SGAR officers."""
    who = principal(agent)
    if not _active(agent) or who.is_external:
        return False
    if who.is_platform_admin:
        return True
    if call.scope == Call.Scope.REGIONAL and who.follows_region(call.region_id):
        return True
    return R.MANAGER in call_roles(agent, call)


def _member_of_a_dossier(agent, call):
    return policy.remembered(
        ("calls:in-call", agent.pk, call.pk),
        lambda: DossierMember.objects.filter(agent=agent, dossier__call=call).exists(),
    )


@dataclass
class CallAbilities:
    agent: object
    call: Call

    @cached_property
    def can_manage(self):
        return manages(self.agent, self.call)

    @cached_property
    def roles(self):
        return call_roles(self.agent, self.call)

    @cached_property
    def can_read(self):
        if not _active(self.agent):
            return False
        if self.can_manage:
            return True
        if not self.call.is_published:
            return False
        if principal(self.agent).is_external:
            return _member_of_a_dossier(self.agent, self.call)
        return True

    @property
    def can_ask(self):
        """A question on the call (published to every applicant once answered)."""
        return self.can_read and self.call.is_published and not self.call.is_historic

    @property
    def can_answer(self):
        return self.can_manage

    def can_apply(self, now=None):
        """Start a dossier: a State agent, on a published call with a wave still open."""
        call = self.call
        if not self.can_read or principal(self.agent).is_external:
            return False
        if call.is_historic or not call.is_published:
            return False
        now = now or timezone.now()
        return any(wave.deadline > now for wave in call.waves.all())

    @property
    def can_list_dossiers(self):
        """The dossiers of the call beyond one's own: managers, committee, CDC, experts."""
        return self.can_manage or bool(self.roles & {R.COMMITTEE, R.CDC, R.EXPERT})


@dataclass
class DossierAbilities:
    agent: object
    dossier: Dossier

    @cached_property
    def call(self):
        return self.dossier.call

    @cached_property
    def role(self):
        return dossier_role(self.agent, self.dossier)

    @cached_property
    def is_manager(self):
        return manages(self.agent, self.call)

    @cached_property
    def call_roles(self):
        return call_roles(self.agent, self.call)

    @cached_property
    def is_expert(self):
        return is_assigned_expert(self.agent, self.dossier)

    @property
    def is_team(self):
        """The sponsor, the operational lead and the team prepare the dossier."""
        return self.role in (M.SPONSOR, M.LEAD, M.TEAM)

    @property
    def state(self):
        return self.dossier.state

    @cached_property
    def can_read(self):
        if not _active(self.agent):
            return False
        if self.role is not None or self.is_manager:
            return True
        if principal(self.agent).is_external:
            return False
        if self.state in EVALUATED and (R.COMMITTEE in self.call_roles or self.is_expert):
            return True
        return self.state in FOLLOWED and (self.is_cdc or self.is_region_officer)

    @property
    def is_cdc(self):
        return R.CDC in self.call_roles

    @cached_property
    def is_region_officer(self):
        """The SGAR officer of the project's region (whatever the call's scope)."""
        return principal(self.agent).follows_region(self.dossier.region_id)

    @property
    def is_lead(self):
        return self.role in (M.SPONSOR, M.LEAD)

    # --- the audition (a call with ``Call.audition``) ---

    @property
    def can_shortlist(self):
        return self.is_manager and self.state == S.EVALUATION and self.call.audition

    @property
    def can_schedule_audition(self):
        return self.is_manager and self.state == S.AUDITION

    # --- the convention, the funding, the follow-up (R57-R60) ---

    @property
    def can_read_follow_up(self):
        """The convention, the tranches and their funding chain, the indicators, the reports
        and reviews: the team, the call's managers, the CDC, the region's SGAR officer."""
        return self.state in FOLLOWED and (
            self.is_team or self.is_manager or self.is_cdc or self.is_region_officer
        )

    @property
    def can_edit_convention(self):
        """Finalised jointly by the sponsor (and their operational lead) and the CDC, with the
        call's managers, until it is signed."""
        return self.state == S.SELECTED and (self.is_lead or self.is_manager or self.is_cdc)

    @property
    def can_sign_convention(self):
        return self.state == S.SELECTED and (self.is_manager or self.is_cdc)

    @property
    def can_manage_tranches(self):
        """Tick a tranche's conditions, make it payable, date its funding steps."""
        return self.state in RUNNING and (self.is_manager or self.is_cdc)

    @property
    def can_define_indicators(self):
        return self.state in (S.SELECTED, S.IN_PROGRESS) and (self.is_lead or self.is_manager)

    @property
    def can_enter_values(self):
        return self.state in RUNNING and self.is_team

    @property
    def can_review_values(self):
        return self.state in (*RUNNING, S.CLOSED) and (self.is_manager or self.is_region_officer)

    @property
    def can_submit_report(self):
        return self.state == S.IN_PROGRESS and self.is_lead

    @property
    def can_review(self):
        """The interim, annual and final reviews: the call's managers."""
        return self.state in RUNNING and self.is_manager

    @property
    def can_close(self):
        return self.state == S.FINAL_REPORT and self.is_manager

    @property
    def can_publish_story(self):
        return self.state == S.CLOSED and (self.is_lead or self.is_manager)

    @property
    def can_edit(self):
        return self.is_team and self.state == S.DRAFT

    @property
    def can_manage_team(self):
        return self.role in (M.SPONSOR, M.LEAD) and self.state == S.DRAFT

    @property
    def can_upload(self):
        """Upload a piece of the draft (a partner's representative: their commitment act)."""
        return self.state == S.DRAFT and (self.is_team or self.role == M.PARTNER)

    @property
    def can_deposit(self):
        return self.role in (M.SPONSOR, M.LEAD) and self.state == S.DRAFT

    @property
    def can_withdraw(self):
        return self.role in (M.SPONSOR, M.LEAD) and self.state in (S.DRAFT, S.DEPOSITED)

    @property
    def can_complete(self):
        """Answer an expert's information request, with its scoped upload."""
        return self.is_team and self.state == S.EVALUATION

    @property
    def can_screen(self):
        """Send a deposited dossier to evaluation, or declare it ineligible."""
        return self.is_manager and self.state == S.DEPOSITED

    @property
    def can_assign_experts(self):
        return self.is_manager and self.state in (S.DEPOSITED, S.EVALUATION)

    @property
    def can_evaluate(self):
        return self.is_expert and self.state == S.EVALUATION

    @property
    def can_request_information(self):
        return self.is_expert and self.state == S.EVALUATION

    @property
    def can_record_opinion(self):
        """The expert committee's reasoned opinion, written up by the call's managers (after
        the audition, for a shortlisted candidate)."""
        return self.is_manager and self.state in (S.EVALUATION, S.AUDITION)

    @property
    def can_decide(self):
        return (self.is_manager or R.COMMITTEE in self.call_roles) and self.state in (
            S.REVIEWED,
            S.REFERRED,
        )

    @property
    def can_read_evaluations(self):
        """Every expert's scores and opinion (an expert reads their own)."""
        return self.is_manager or (R.COMMITTEE in self.call_roles and self.state in EVALUATED)

    @property
    def can_create_community(self):
        return (
            self.is_manager
            and self.state in (S.SELECTED, S.IN_PROGRESS, S.FINAL_REPORT)
            and self.dossier.community_id is None
        )

    @property
    def can_export(self):
        return self.is_team or self.is_manager


def call_abilities(agent, call):
    return CallAbilities(agent=agent, call=call)


def dossier_abilities(agent, dossier):
    return DossierAbilities(agent=agent, dossier=dossier)


def calls_readable_by(agent):
    """The calls ``agent`` may read."""
    if not _active(agent):
        return Call.objects.none()
    who = principal(agent)
    if who.is_platform_admin:
        return Call.objects.all()
    if who.is_external:
        return Call.objects.filter(
            Q(published_at__isnull=False) & Q(dossiers__members__agent=agent)
        ).distinct()
    managed = Q(roles__agent=agent, roles__role=R.MANAGER)
    if who.sgar_region_id is not None:
        managed |= Q(scope=Call.Scope.REGIONAL, region_id=who.sgar_region_id)
    return Call.objects.filter(Q(published_at__isnull=False) | managed).distinct()


def dossiers_readable_by(agent):
    """The dossiers ``agent`` may read (the policy's question for lists, search, exports)."""
    if not _active(agent):
        return Dossier.objects.none()
    who = principal(agent)
    if who.is_platform_admin:
        return Dossier.objects.all()
    mine = Q(members__agent=agent)
    if who.is_external:
        return Dossier.objects.filter(mine).distinct()
    managed = Q(call__roles__agent=agent, call__roles__role=R.MANAGER)
    if who.sgar_region_id is not None:
        managed |= Q(call__scope=Call.Scope.REGIONAL, call__region_id=who.sgar_region_id)
    committee = Q(state__in=EVALUATED, call__roles__agent=agent, call__roles__role=R.COMMITTEE)
    expert = Q(state__in=EVALUATED, assignments__expert=agent)
    cdc = Q(state__in=FOLLOWED, call__roles__agent=agent, call__roles__role=R.CDC)
    readable = mine | managed | committee | expert | cdc
    if who.sgar_region_id is not None:
        readable |= Q(state__in=FOLLOWED, region_id=who.sgar_region_id)
    return Dossier.objects.filter(readable).distinct()


def roles_on_call(agent, call):
    """The roles ``agent`` holds on ``call`` (``directory.roles.roles_on``): those given, and
    « manager » for whoever manages it by their platform role."""
    roles = set(call_roles(agent, call))
    if manages(agent, call):
        roles.add(R.MANAGER)
    return roles


def roles_on_dossier(agent, dossier):
    """The role ``agent`` holds on ``dossier``, and « expert » when assigned to it."""
    roles = set()
    role = dossier_role(agent, dossier)
    if role is not None:
        roles.add(role)
    if is_assigned_expert(agent, dossier):
        roles.add(R.EXPERT)
    return roles


def object_abilities(agent, obj):
    if isinstance(obj, Call):
        return call_abilities(agent, obj)
    return dossier_abilities(agent, obj)
