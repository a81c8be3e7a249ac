"""The follow-up indicators of a running project (R59): what the sponsor, the lead and the call's
managers define (a label, a unit, a baseline, a frequency, a first due date and a target at each
milestone of the convention's calendar), the value the team enters at each due date, its review
by the region's SGAR officer or the managers, the values late at their due date and the
reminder sent once for each of them (``reminders_tick``, a periodic job of ``maillage.schedule``).

Dates are the platform's in Europe/Paris (``timezone.localdate``). A value is due every
``frequency_months`` from ``first_due_on`` (the same day of the month, the end of a shorter month
when that day does not exist), until the convention's end. A value is late once its due date has
passed (``due_on < today``) without a value, while the project runs (« en cours » or « rapport
final remis »): a laureate not yet signed or a closed project has nothing late.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.deadlines import add_months
from calls.models import (
    Convention,
    Dossier,
    DossierMember,
    Indicator,
    IndicatorReminder,
    IndicatorTarget,
    IndicatorValue,
    Milestone,
)
from calls.permissions import RUNNING, dossier_abilities
from calls.services import CallError, _check, _event

M = DossierMember.Role

# The longest schedule shown when the convention has no end date (ten years of monthly values).
MAX_DUE_DATES = 120
# The largest number a value, a baseline or a target holds (``max_digits=14, decimal_places=2``).
NUMBER_LIMIT = Decimal("1000000000000")
TEXT_LIMIT = 3000
LABEL_LIMIT = 200
UNIT_LIMIT = 50


def schedule(first_due_on, frequency_months, ends_on=None, until=None):
    """The due dates: ``first_due_on``, then every ``frequency_months`` months counted from it
    (not from the previous date: 31 January, 28 February, 31 March…), up to ``ends_on`` and
    ``until`` (the earlier of those given), at most ``MAX_DUE_DATES``."""
    bounds = [day for day in (ends_on, until) if day is not None]
    last = min(bounds) if bounds else None
    dates = []
    step = max(int(frequency_months or 1), 1)
    for index in range(MAX_DUE_DATES):
        day = add_months(first_due_on, index * step)
        if last is not None and day > last:
            break
        dates.append(day)
    return dates


def _ends_on(dossier):
    """The convention's end date, None when there is no convention or no end yet."""
    try:
        return dossier.convention.ends_on
    except Convention.DoesNotExist:
        return None


def due_dates(indicator, until=None):
    """The due dates of ``indicator``: from its first due date, every ``frequency_months``
    months, up to the convention's end (and ``until`` when given)."""
    return schedule(
        indicator.first_due_on, indicator.frequency_months, _ends_on(indicator.dossier), until
    )


def today_in_paris(now=None):
    return timezone.localdate(now) if now is not None else timezone.localdate()


def enterable_dates(indicator, today=None, dates=None):
    """The due dates a value may be entered for: those that have come (``due_on <= today``),
    and the next upcoming one."""
    today = today or today_in_paris()
    dates = due_dates(indicator) if dates is None else dates
    come = [day for day in dates if day <= today]
    upcoming = [day for day in dates if day > today]
    return come + upcoming[:1]


# --- late values --------------------------------------------------------------------------------


def late_by_dossier(dossier_ids, today=None):
    """``{dossier id: [(indicator, due date), …]}``: the due dates passed (before ``today``, in
    Paris) without a value, of the running dossiers among ``dossier_ids`` (those with nothing late
    are left out). Two queries whatever the number of dossiers: the indicators with their
    dossier's convention, then the values entered."""
    today = today or today_in_paris()
    ids = list(dossier_ids)
    if not ids:
        return {}
    indicators = list(
        Indicator.objects.filter(dossier_id__in=ids, dossier__state__in=RUNNING)
        .select_related("dossier__convention", "dossier__call")
        .order_by("dossier_id", "order", "id")
    )
    if not indicators:
        return {}
    entered = set(
        IndicatorValue.objects.filter(
            indicator__in=[indicator.pk for indicator in indicators], due_on__lt=today
        ).values_list("indicator_id", "due_on")
    )
    late = {}
    yesterday = today - datetime.timedelta(days=1)
    for indicator in indicators:
        for day in due_dates(indicator, until=yesterday):
            if (indicator.pk, day) not in entered:
                late.setdefault(indicator.dossier_id, []).append((indicator, day))
    return late


def late_for(dossier, today=None):
    """``[(indicator, due date), …]`` late on ``dossier`` (see ``late_by_dossier``)."""
    return late_by_dossier([dossier.pk], today).get(dossier.pk, [])


# --- what the page shows ------------------------------------------------------------------------


@dataclass
class DueRow:
    """A due date of an indicator on the page and in the exports."""

    due_on: datetime.date
    value: IndicatorValue | None
    late: bool
    enterable: bool

    @property
    def state(self):
        if self.value is not None:
            return _("examinée") if self.value.reviewed_at else _("saisie")
        if self.late:
            return _("en retard")
        return _("à saisir") if self.enterable else _("à venir")


@dataclass
class IndicatorTable:
    indicator: Indicator
    targets: list  # [(milestone, target value or None)]
    rows: list  # [DueRow]

    @property
    def late_count(self):
        return sum(1 for row in self.rows if row.late)


def tables_of(dossier, today=None):
    """The indicators of ``dossier`` as the page and the exports show them: each with its
    target at every milestone of the calendar and each due date with its value (a fixed
    number of queries)."""
    today = today or today_in_paris()
    running = dossier.state in RUNNING
    milestones = list(Milestone.objects.filter(dossier=dossier))
    indicators = list(Indicator.objects.filter(dossier=dossier))
    ids = [indicator.pk for indicator in indicators]
    targets = {
        (target.indicator_id, target.milestone_id): target.value
        for target in IndicatorTarget.objects.filter(indicator__in=ids)
    }
    values = {}
    for value in IndicatorValue.objects.filter(indicator__in=ids).select_related(
        "entered_by", "reviewed_by"
    ):
        values[(value.indicator_id, value.due_on)] = value
    ends_on = _ends_on(dossier)
    tables = []
    for indicator in indicators:
        indicator.dossier = dossier
        dates = schedule(indicator.first_due_on, indicator.frequency_months, ends_on)
        # A value entered for a date the schedule has since dropped is still shown.
        extra = [day for (pk, day) in values if pk == indicator.pk and day not in dates]
        enterable = set(enterable_dates(indicator, today, dates))
        rows = []
        for day in sorted({*dates, *extra}):
            value = values.get((indicator.pk, day))
            rows.append(
                DueRow(
                    due_on=day,
                    value=value,
                    late=running and value is None and day < today,
                    enterable=day in enterable,
                )
            )
        tables.append(
            IndicatorTable(
                indicator=indicator,
                targets=[
                    (milestone, targets.get((indicator.pk, milestone.pk)))
                    for milestone in milestones
                ],
                rows=rows,
            )
        )
    return tables


# --- services -----------------------------------------------------------------------------------


def _number(value, message):
    """``value`` as a Decimal of two decimals within the model's limits, or a French refusal."""
    try:
        number = Decimal(str(value).strip().replace(",", ".").replace("\u202f", ""))
    except (InvalidOperation, ValueError, TypeError):
        raise CallError(message, "invalid") from None
    _check(number.is_finite() and abs(number) < NUMBER_LIMIT, message, "invalid")
    return number.quantize(Decimal("0.01"))


def _text(value, limit, label):
    text = (value or "").strip()
    _check(
        len(text) <= limit,
        _("%(label)s est limité à %(limit)s caractères (vous en avez saisi %(count)s).")
        % {"label": label, "limit": limit, "count": len(text)},
        "invalid",
    )
    return text


def _same_dossier(indicator, dossier):
    _check(
        indicator is not None and indicator.dossier_id == dossier.pk,
        _("Cet indicateur n'est pas celui de ce projet."),
        "not_found",
    )


def indicator_save(
    *,
    actor,
    dossier,
    indicator=None,
    label,
    unit="",
    baseline,
    frequency_months,
    first_due_on,
    targets=None,
):
    """Define an indicator of ``dossier`` (``indicator`` None) or change it: its label, unit,
    baseline, frequency, first due date, and ``targets`` ``{milestone id: Decimal or None}``
    (None or a milestone left out: no target there). The sponsor, the lead and the call's
    managers, while the project is « lauréat » or « en cours ». Once a value is entered, the
    frequency and the first due date no longer change (the values stay on their dates)."""
    _check(
        dossier_abilities(actor, dossier).can_define_indicators,
        _(
            "Seuls le porteur de projet, le porteur opérationnel et les gestionnaires de l'appel "
            "définissent les indicateurs, tant que le projet est lauréat ou en cours."
        ),
    )
    if indicator is not None:
        _same_dossier(indicator, dossier)
    label = _text(label, LABEL_LIMIT, _("Le libellé"))
    _check(label, _("Donnez un libellé à l'indicateur."), "invalid")
    unit = _text(unit, UNIT_LIMIT, _("L'unité"))
    baseline = _number(baseline, _("La valeur de référence doit être un nombre."))
    try:
        frequency_months = int(frequency_months)
    except (TypeError, ValueError):
        frequency_months = None
    _check(
        frequency_months in Indicator.Frequency.values,
        _("Choisissez une fréquence : mensuelle, trimestrielle, semestrielle ou annuelle."),
        "invalid",
    )
    _check(
        isinstance(first_due_on, datetime.date) and not isinstance(first_due_on, datetime.datetime),
        _("Indiquez la date de la première échéance."),
        "invalid",
    )
    ends_on = _ends_on(dossier)
    if ends_on is not None:
        _check(
            first_due_on <= ends_on,
            _("La première échéance doit précéder la fin du projet (%(end)s).")
            % {"end": ends_on.strftime("%d/%m/%Y")},
            "invalid",
        )
    targets = dict(targets or {})
    milestones = {
        milestone.pk: milestone
        for milestone in Milestone.objects.filter(dossier=dossier, pk__in=list(targets))
    }
    _check(
        set(targets) <= set(milestones),
        _("Ce jalon n'est pas dans le calendrier du projet."),
        "not_found",
    )
    cleaned = {}
    for milestone_id, value in targets.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        cleaned[milestone_id] = _number(
            value,
            _("La cible du jalon « %(milestone)s » doit être un nombre.")
            % {"milestone": milestones[milestone_id].label},
        )
    with transaction.atomic():
        if indicator is None:
            indicator = Indicator(dossier=dossier, order=dossier.indicators.count())
            created = True
        else:
            indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
            created = False
            if (
                indicator.frequency_months != frequency_months
                or indicator.first_due_on != first_due_on
            ) and indicator.values.exists():
                raise CallError(
                    _(
                        "Des valeurs sont déjà saisies : la fréquence et la première échéance de "
                        "cet indicateur ne changent plus."
                    ),
                    "conflict",
                )
        indicator.label = label
        indicator.unit = unit
        indicator.baseline = baseline
        indicator.frequency_months = frequency_months
        indicator.first_due_on = first_due_on
        indicator.save()
        IndicatorTarget.objects.filter(indicator=indicator).exclude(
            milestone_id__in=list(cleaned)
        ).delete()
        for milestone_id, value in cleaned.items():
            IndicatorTarget.objects.update_or_create(
                indicator=indicator, milestone_id=milestone_id, defaults={"value": value}
            )
        _event(
            dossier,
            actor,
            "indicator_saved",
            (_("Nouvel indicateur : %(label)s") if created else _("Indicateur modifié : %(label)s"))
            % {"label": label},
        )
    indicator.dossier = dossier
    return indicator


def indicator_delete(*, actor, dossier, indicator):
    """Delete an indicator without any value (one with values is part of the project's record:
    refused)."""
    _check(
        dossier_abilities(actor, dossier).can_define_indicators,
        _("Vous ne pouvez pas supprimer cet indicateur."),
    )
    _same_dossier(indicator, dossier)
    with transaction.atomic():
        _check(
            not indicator.values.exists(),
            _("Des valeurs ont été saisies pour cet indicateur : il ne peut plus être supprimé."),
            "conflict",
        )
        label = indicator.label
        indicator.delete()
        _event(dossier, actor, "indicator_deleted", label)


def indicator_value_enter(*, actor, dossier, indicator, due_on, value, comment="", today=None):
    """The team's value for a due date of ``indicator`` that has come (or the next upcoming
    one), with a comment; changed until it is reviewed. Returns the ``IndicatorValue``."""
    _check(
        dossier_abilities(actor, dossier).can_enter_values,
        _("Seule l'équipe du projet saisit les valeurs, tant que le projet est en cours."),
    )
    _same_dossier(indicator, dossier)
    indicator.dossier = dossier
    today = today or today_in_paris()
    dates = due_dates(indicator)
    _check(
        isinstance(due_on, datetime.date) and due_on in dates,
        _("Cette date n'est pas une échéance de l'indicateur « %(label)s ».")
        % {"label": indicator.label},
        "invalid",
    )
    _check(
        due_on in enterable_dates(indicator, today, dates),
        _("L'échéance du %(date)s n'est pas encore ouverte à la saisie.")
        % {"date": due_on.strftime("%d/%m/%Y")},
        "invalid",
    )
    number = _number(value, _("La valeur doit être un nombre (par exemple 12 ou 12,5)."))
    comment = _text(comment, TEXT_LIMIT, _("Le commentaire"))
    with transaction.atomic():
        existing = (
            IndicatorValue.objects.select_for_update()
            .filter(indicator=indicator, due_on=due_on)
            .first()
        )
        if existing is not None:
            _check(
                existing.reviewed_at is None,
                _("Cette valeur a été examinée : elle ne peut plus être modifiée."),
                "conflict",
            )
            row = existing
        else:
            row = IndicatorValue(indicator=indicator, due_on=due_on)
        row.value = number
        row.comment = comment
        row.entered_by = actor
        row.entered_at = timezone.now()
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            raise CallError(
                _("Une valeur vient d'être saisie pour cette échéance : rechargez la page."),
                "conflict",
            ) from None
        _event(
            dossier,
            actor,
            "indicator_value_entered",
            f"{indicator.label} — {due_on.strftime('%d/%m/%Y')} : {number}",
        )
    return row


def indicator_value_review(*, actor, dossier, value, comment=""):
    """The review of a value by the region's SGAR officer or the call's managers, with their
    comment; the value is no longer changed by the team."""
    _check(
        dossier_abilities(actor, dossier).can_review_values,
        _("Seuls le SGAR de la région et les gestionnaires de l'appel examinent les valeurs."),
    )
    _check(
        value is not None and value.indicator.dossier_id == dossier.pk,
        _("Cette valeur n'est pas celle de ce projet."),
        "not_found",
    )
    comment = _text(comment, TEXT_LIMIT, _("L'avis"))
    with transaction.atomic():
        row = IndicatorValue.objects.select_for_update().get(pk=value.pk)
        row.review_comment = comment
        row.reviewed_by = actor
        row.reviewed_at = timezone.now()
        row.save(update_fields=["review_comment", "reviewed_by", "reviewed_at"])
        _event(
            dossier,
            actor,
            "indicator_value_reviewed",
            f"{value.indicator.label} — {row.due_on.strftime('%d/%m/%Y')}",
        )
    return row


# --- the reminders ------------------------------------------------------------------------------


def reminders_tick(now):
    """For each running project, each indicator and each due date passed (before today in
    Paris) without a value and not reminded yet: a reminder row (unique per indicator and due
    date: a restart or a second scheduler never sends it twice), a line of the audit trail and
    a notification to the team (sponsor, lead, team). Returns how many reminders were sent."""
    from calls.notification_kinds import indicator_due

    today = today_in_paris(now)
    late = late_by_dossier(
        Dossier.objects.filter(state__in=RUNNING, indicators__isnull=False)
        .values_list("pk", flat=True)
        .distinct(),
        today,
    )
    if not late:
        return 0
    reminded = set(
        IndicatorReminder.objects.filter(
            indicator__in={indicator.pk for pairs in late.values() for indicator, _day in pairs}
        ).values_list("indicator_id", "due_on")
    )
    team = {}
    for dossier_id, agent_id in DossierMember.objects.filter(
        dossier_id__in=list(late), role__in=[M.SPONSOR, M.LEAD, M.TEAM]
    ).values_list("dossier_id", "agent_id"):
        team.setdefault(dossier_id, []).append(agent_id)
    sent = 0
    for dossier_id, pairs in late.items():
        for indicator, day in pairs:
            if (indicator.pk, day) in reminded:
                continue
            try:
                with transaction.atomic():
                    reminder = IndicatorReminder.objects.create(
                        indicator=indicator, due_on=day, sent_at=now
                    )
                    _event(
                        indicator.dossier,
                        None,
                        "indicator_reminder",
                        f"{indicator.label} — {day.strftime('%d/%m/%Y')}",
                    )
                    indicator_due(reminder, indicator, day, team.get(dossier_id, []))
            except IntegrityError:
                # Another scheduler sent it between our read and our write.
                continue
            sent += 1
    return sent
