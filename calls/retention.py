"""The retention of non-selected dossiers' personal data (R9): once a dossier has
ended without being selected and its call's ``retention_months`` have passed, the scheduled task
``calls.retention_purge`` (``purge_tick``) empties its personal fields, and only those.

- **Which dossiers**: those in a final non-selected state — withdrawn, ineligible, not selected,
  promising — and the drafts never deposited, not yet purged (``purged_at`` null). Selected and
  running projects (« lauréat », « en cours », « rapport final remis », « clos ») are never
  touched, nor a dossier still on its way (deposited, in evaluation…).
- **When**: the dossier ended at ``decided_at`` (not selected, promising), or at the
  ``DossierEvent`` that moved it to its state (withdrawn, ineligible; also the fallback of a
  decision without ``decided_at``); a draft ended when its wave closed (it can no longer be
  deposited); it is purged once ``ended + retention_months`` (calendar
  months, in Europe/Paris) is reached. A dossier whose end is unknown (no date, no event) is
  never purged automatically: the retention page does not list it either.
- **A promising dossier whose team consented to the innovators' registry** (R32,
  ``registry_consent``) is kept while the consent stands. The registry
  (``calls.views.public.registry``) lists only the acronym, title, region and call, but it
  invites its readers to contact the team to take the idea up: the contact the team agreed to
  share is what the listing is for. Once the consent is withdrawn, the dossier is purged at the
  next tick if its period is over.
- **What**: ``DOSSIER_FIELDS`` (the contact: civility, name, function, phone, fax, e-mail; the
  sponsor's phone and e-mail; the signatory's name and title) and ``PARTNER_FIELDS`` (each
  partner's contact name and e-mail). Nothing else: titles, amounts, pieces, scores, the audit
  trail and the members stay.
- **Trace**: per dossier, in its own transaction (the row re-read under a lock, so two
  schedulers never purge twice): the fields emptied, a ``PurgeLog`` (the names of the fields that
  held a value, never the values), a ``DossierEvent`` « personal_data_purged », ``purged_at``.
  A second tick finds nothing more to do.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from calls import deadlines
from calls.models import Dossier, DossierEvent, Partner, PurgeLog

S = Dossier.State

# The final states of a dossier that was not selected.
PURGEABLE_STATES = (S.WITHDRAWN, S.INELIGIBLE, S.NOT_SELECTED, S.PROMISING, S.DRAFT)
# States whose end is the decision (``decided_at``); the others end at their move's event.
DECIDED_STATES = (S.NOT_SELECTED, S.PROMISING)

# The dossier's personal fields (R9), emptied by the purge.
DOSSIER_FIELDS = (
    "contact_civility",
    "contact_name",
    "contact_function",
    "contact_phone",
    "contact_fax",
    "contact_email",
    "sponsor_phone",
    "sponsor_email",
    "signatory_name",
    "signatory_title",
)
# Each partner's personal fields; logged as « partners.<field> ».
PARTNER_FIELDS = ("contact_name", "contact_email")
PURGE_ACTION = "personal_data_purged"


def field_label(name):
    """The French label of a logged field's name (« Partenaires : personne à contacter »)."""
    if name.startswith("partners."):
        field = name.split(".", 1)[1]
        try:
            label = Partner._meta.get_field(field).verbose_name
        except FieldDoesNotExist:
            return name
        return f"Partenaires : {label}"
    try:
        label = str(Dossier._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
    prefix = {
        "contact": "Contact",
        "sponsor": "Porteur de projet",
        "signatory": "Signataire",
    }.get(name.split("_", 1)[0], "")
    return f"{prefix} : {label}" if prefix else label


def add_months(moment, months):
    """``moment`` (an aware datetime) plus ``months`` calendar months on the Paris wall clock;
    the day is clamped to the month's last (31 January + 1 month = 28 or 29 February)."""
    local = timezone.localtime(moment)
    naive = datetime.datetime.combine(deadlines.add_months(local.date(), months), local.time())
    return timezone.make_aware(naive, timezone.get_current_timezone())


@dataclass(frozen=True)
class Scheduled:
    """A dossier waiting for its purge: when it ended, when it is purged."""

    dossier: Dossier
    ended_at: datetime.datetime
    purge_at: datetime.datetime


def _candidates(call=None):
    """The non-selected, not yet purged dossiers (consenting promising ones left out), each
    with ``event_end``: the time of the latest event that moved it to its state."""
    moved = DossierEvent.objects.filter(dossier=OuterRef("pk"), target=OuterRef("state"))
    queryset = (
        Dossier.objects.filter(state__in=PURGEABLE_STATES, purged_at__isnull=True)
        .exclude(state=S.PROMISING, registry_consent=True)
        .select_related("call", "wave")
        .annotate(event_end=Subquery(moved.order_by("-at", "-id").values("at")[:1]))
        .order_by("id")
    )
    if call is not None:
        queryset = queryset.filter(call=call)
    return queryset


def ended_at(dossier):
    """When ``dossier`` ended (see the module's docstring), or None when unknown. Reads the
    ``event_end`` annotation of ``_candidates`` when there is one."""
    if dossier.state in DECIDED_STATES and dossier.decided_at is not None:
        return dossier.decided_at
    if dossier.state == S.DRAFT:
        return dossier.wave.deadline
    if hasattr(dossier, "event_end"):
        return dossier.event_end
    event = (
        DossierEvent.objects.filter(dossier=dossier, target=dossier.state)
        .order_by("-at", "-id")
        .first()
    )
    return event.at if event else None


def scheduled(*, call=None, until=None):
    """The dossiers (of ``call``, or every call's) whose purge is due at or before ``until``
    (every one when None), soonest first, as ``Scheduled``."""
    found = []
    for dossier in _candidates(call):
        end = ended_at(dossier)
        if end is None:
            continue
        purge_at = add_months(end, dossier.call.retention_months)
        if until is None or purge_at <= until:
            found.append(Scheduled(dossier=dossier, ended_at=end, purge_at=purge_at))
    found.sort(key=lambda item: (item.purge_at, item.dossier.pk))
    return found


def kept_for_registry(call):
    """The promising dossiers of ``call`` kept while their team's consent to the registry
    stands (not purged yet)."""
    return Dossier.objects.filter(
        call=call, state=S.PROMISING, registry_consent=True, purged_at__isnull=True
    ).order_by("title", "id")


def purge_dossier(dossier_id, *, now):
    """Purge the personal fields of dossier ``dossier_id`` in one transaction, when it is still
    due at ``now`` (re-read under a lock); the ``PurgeLog``, or None when nothing was done."""
    with transaction.atomic():
        dossier = (
            _candidates().select_related(None).select_for_update().filter(pk=dossier_id).first()
        )
        if dossier is None:
            return None
        call = dossier.call
        end = ended_at(dossier)
        if end is None or add_months(end, call.retention_months) > now:
            return None
        purged = [name for name in DOSSIER_FIELDS if getattr(dossier, name)]
        partners = Partner.objects.filter(dossier=dossier)
        for name in PARTNER_FIELDS:
            if partners.exclude(**{name: ""}).exists():
                purged.append(f"partners.{name}")
        partners.update(**dict.fromkeys(PARTNER_FIELDS, ""))
        Dossier.objects.filter(pk=dossier.pk).update(
            **dict.fromkeys(DOSSIER_FIELDS, ""), purged_at=now
        )
        log = PurgeLog.objects.create(
            dossier=dossier,
            call=call,
            dossier_label=str(dossier)[:200],
            fields=purged,
            retention_months=call.retention_months,
            purged_at=now,
        )
        DossierEvent.objects.create(
            dossier=dossier,
            actor=None,
            action=PURGE_ACTION,
            comment=(
                f"Données personnelles supprimées après {call.retention_months} mois de "
                "conservation."
            ),
            at=now,
        )
        return log


def purge_tick(now):
    """The scheduled task: purge every dossier whose retention period is over at ``now``;
    returns how many were purged (0 on a second run)."""
    done = 0
    for item in scheduled(until=now):
        if purge_dossier(item.dossier.pk, now=now) is not None:
            done += 1
    return done
