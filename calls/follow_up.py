"""The end of a selected project (R60, R61): the reports the team uploads, the reviews the call's
managers write, and the close.

- A call with ``Call.follow_up == "final"`` (the communities call): while the project runs, its
  sponsor or operational lead uploads the final report (one main file) with its deliverables
  (a list, and optional files); the dossier moves to « rapport final remis » in the same
  transaction. The managers may return it to the team with a reason (back to « en cours »; a new
  submission then replaces the report, row and files), or record the final review (the six
  headings of the seed's form and an overall conclusion), then close the project. A project is
  never closed without its final review.
- A call with ``Call.follow_up == "annual"`` (the labs call): an interim review is due
  ``Call.interim_review_months`` after the convention's start; at the start of each year the team
  uploads the annual report on the year before (one per year), which gets its annual review. The
  report of the last year (declared so, or covering the year the convention ends) moves the
  dossier to « rapport final remis »; then the final review and the close, as above.

Decisions written here (and tested): recording a review of a kind and year that exists replaces
its content (the managers correct it until the close); a final report may be returned only
before the final review is recorded; an annual report's year lies within the convention's years
and is not in the future; a second report for a year is refused unless it was returned.

``next_reviews(dossiers, today)`` answers, in three queries whatever the number of dossiers,
what each dossier is due next (the follow-up board reads it).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls import files as piece_files
from calls.deadlines import add_months
from calls.models import TEXT_MAX, Call, Dossier, DossierEvent, Report, ReportFile, Review
from calls.permissions import dossier_abilities
from calls.services import CallError, _event, _touch
from calls.workflow import DOSSIER
from maillage.french import long_date

S = Dossier.State

# The review's headings (L7401-7409), in the form's order; the last one may stay empty.
REVIEW_TEXTS = (
    "administrative",
    "technical",
    "financial",
    "modernisation",
    "prospects",
    "other_benefits",
)
REVIEW_REQUIRED = REVIEW_TEXTS[:5]
DELIVERABLES_MAX = 5000
# Deliverable files sent with one report.
DELIVERABLE_FILES_MAX = 10
# The years an annual report may cover when the convention does not say.
YEAR_MIN = 2000

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _check(allowed, message, code="forbidden"):
    if not allowed:
        raise CallError(message, code)


def interim_review_due(call, starts_on):
    """The day the interim review of a labs project is due: ``call.interim_review_months``
    after the convention's start (None without a start)."""
    if starts_on is None:
        return None
    return add_months(starts_on, call.interim_review_months)


def annual_report_due(year):
    """The annual report on ``year`` is due in January of the year after (its last day)."""
    return datetime.date(year + 1, 1, 31)


def parse_year(value):
    """A year typed in a form or an address: an int between 1000 and 9999, else None."""
    if isinstance(value, bool):
        return None
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return year if 1000 <= year <= 9999 else None


def _convention_dates(dossier):
    """The convention's start and end (None, None without a convention)."""
    from calls.models import Convention

    try:
        convention = dossier.convention
    except Convention.DoesNotExist:
        return None, None
    return convention.starts_on, convention.ends_on


def _deliverables(text):
    lines = [line.strip() for line in (text or "").splitlines()]
    text = "\n".join(line for line in lines if line)
    _check(
        len(text) <= DELIVERABLES_MAX,
        _("La liste des livrables est limitée à %(limit)s caractères.")
        % {"limit": f"{DELIVERABLES_MAX:,}".replace(",", "\u202f")},
        "invalid",
    )
    return text


def _checked(upload, call):
    try:
        return piece_files.check_piece(upload, call=call, dossier_bytes=0)
    except ValidationError as error:
        raise CallError(
            _("« %(name)s » : %(reason)s")
            % {"name": getattr(upload, "name", ""), "reason": " ".join(error.messages)},
            "invalid",
        ) from None


def was_returned(dossier, report):
    """Whether ``report`` was returned to the team: the dossier is back « en cours », the report
    is its latest and a return came after its submission."""
    if dossier.state != S.IN_PROGRESS:
        return False
    latest = dossier.reports.order_by("-submitted_at", "-id").values_list("pk", flat=True).first()
    if latest != report.pk:
        return False
    return DossierEvent.objects.filter(
        dossier=dossier, action="final_report_returned", at__gte=report.submitted_at
    ).exists()


def report_submit(*, actor, dossier, kind, year=0, upload, deliverables="", files=(), last=False):
    """Upload a report of ``dossier`` (its sponsor or operational lead, while it runs):

    - ``kind="final"`` (a call followed by a final report): the final report; the dossier moves
      to « rapport final remis »;
    - ``kind="annual"`` (a labs call): the report on ``year``; with ``last`` (or when ``year``
      is the year the convention ends) it is the last one and moves the dossier likewise.

    ``upload`` is the main file, ``files`` the deliverables' files, ``deliverables`` their list
    (one per line); every file is checked as a dossier's piece is. A report that was returned
    to the team is replaced (row and files). Returns the ``Report``."""
    abilities = dossier_abilities(actor, dossier)
    _check(
        abilities.can_submit_report,
        _(
            "Seuls le porteur de projet et le porteur opérationnel remettent les rapports, "
            "pendant le projet."
        ),
    )
    call = dossier.call
    _check(kind in Report.Kind.values, _("Ce type de rapport n'existe pas."), "invalid")
    if call.follow_up == Call.FollowUp.FINAL:
        _check(
            kind == Report.Kind.FINAL,
            _("Cet appel demande un rapport final, pas de rapport annuel."),
            "invalid",
        )
        year = 0
    else:
        _check(
            kind == Report.Kind.ANNUAL,
            _("Cet appel demande un rapport annuel : le dernier tient lieu de rapport final."),
            "invalid",
        )
        year = _report_year(dossier, year)
    _check(upload is not None, _("Joignez le rapport."), "invalid")
    files = [file for file in (files or ()) if file is not None]
    _check(
        len(files) <= DELIVERABLE_FILES_MAX,
        _("Joignez au plus %(count)s fichiers de livrables.") % {"count": DELIVERABLE_FILES_MAX},
        "invalid",
    )
    deliverables = _deliverables(deliverables)
    previous = dossier.reports.filter(kind=kind, year=year).first()
    if previous is not None:
        _check(
            was_returned(dossier, previous),
            _("Le rapport annuel %(year)s est déjà remis.") % {"year": year}
            if kind == Report.Kind.ANNUAL
            else _("Le rapport final est déjà remis."),
            "conflict",
        )
    checked = _checked(upload, call)
    checked_files = [(file, _checked(file, call)) for file in files]
    if kind == Report.Kind.ANNUAL:
        _starts_on, ends_on = _convention_dates(dossier)
        last = bool(last) or (ends_on is not None and year == ends_on.year)
    else:
        last = True
    with transaction.atomic():
        if previous is not None:
            old_files = [previous.file, *(item.file for item in previous.files.all())]
            previous.delete()
            for old in old_files:
                transaction.on_commit(lambda old=old: old.delete(save=False))
        report = Report(
            dossier=dossier,
            kind=kind,
            year=year,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            deliverables=deliverables,
            submitted_by=actor,
        )
        report.file.save(checked.name, upload, save=False)
        report.save()
        for file, info in checked_files:
            item = ReportFile(
                report=report, name=info.name, content_type=info.content_type, size=info.size
            )
            item.file.save(info.name, file, save=False)
            item.save()
        if kind == Report.Kind.ANNUAL:
            _event(
                dossier,
                actor,
                "report_submitted",
                _("Rapport annuel %(year)s%(last)s")
                % {"year": year, "last": _(" (dernier rapport)") if last else ""},
            )
        if last:
            DOSSIER.transition(dossier, S.FINAL_REPORT, actor=actor)
        else:
            _touch(dossier)
    return report


def _report_year(dossier, year):
    year = parse_year(year)
    _check(year is not None, _("Indiquez l'année couverte par le rapport (ex. 2017)."), "invalid")
    starts_on, ends_on = _convention_dates(dossier)
    first = starts_on.year if starts_on else YEAR_MIN
    last = min(ends_on.year if ends_on else 9999, timezone.localdate().year)
    _check(
        first <= year <= last,
        _("L'année couverte doit être comprise entre %(first)s et %(last)s.")
        % {"first": first, "last": last},
        "invalid",
    )
    return year


def report_return(*, actor, dossier, reason):
    """Return the final report (or the last annual report) to the team, with ``reason``: the
    dossier is back « en cours » and the next submission replaces the report. Refused once the
    final review is recorded."""
    abilities = dossier_abilities(actor, dossier)
    _check(
        abilities.is_manager and dossier.state == S.FINAL_REPORT,
        _("Seuls les gestionnaires de l'appel renvoient un rapport final remis."),
    )
    _check(
        not dossier.reviews.filter(kind=Review.Kind.FINAL).exists(),
        _("La revue finale est enregistrée : le rapport ne peut plus être renvoyé."),
        "conflict",
    )
    reason = (reason or "").strip()
    _check(reason, _("Indiquez le motif du renvoi à l'équipe."), "invalid")
    _check(len(reason) <= 5000, _("Le motif est limité à 5 000 caractères."), "invalid")
    DOSSIER.transition(dossier, S.IN_PROGRESS, actor=actor, reason=reason)
    return dossier


def _review_report(dossier, kind, year, report):
    """The report a review of ``kind`` reads (checked to be the dossier's)."""
    if report is not None:
        _check(
            report.dossier_id == dossier.pk,
            _("Ce rapport n'est pas de ce dossier."),
            "not_found",
        )
    if kind == Review.Kind.INTERIM:
        return None
    if kind == Review.Kind.ANNUAL:
        found = dossier.reports.filter(kind=Report.Kind.ANNUAL, year=year).first()
        _check(
            found is not None,
            _("Le rapport annuel %(year)s n'est pas encore remis.") % {"year": year},
            "invalid",
        )
        _check(
            report is None or report.pk == found.pk,
            _("Ce rapport n'est pas celui de l'année %(year)s.") % {"year": year},
            "invalid",
        )
        return found
    # The final review reads the final report, or the last annual report.
    found = dossier.reports.order_by("-submitted_at", "-id").first()
    if dossier.call.follow_up == Call.FollowUp.FINAL:
        found = dossier.reports.filter(kind=Report.Kind.FINAL).first()
    _check(found is not None, _("Le rapport final n'est pas remis."), "invalid")
    return found


def review_record(*, actor, dossier, kind, year=0, report=None, **fields):
    """Record a review of ``dossier`` (the call's managers, while the project runs):

    - ``kind="interim"`` (a labs call): no report needed;
    - ``kind="annual"`` (a labs call): the review of the annual report on ``year``;
    - ``kind="final"``: once the final report (or the last annual report) is remitted.

    ``fields``: ``administrative``, ``technical``, ``financial``, ``modernisation``,
    ``prospects`` (required), ``other_benefits`` (optional), ``conclusion`` (one of
    ``Review.Conclusion``). A review of a kind and year already recorded is replaced. Returns
    the ``Review``."""
    abilities = dossier_abilities(actor, dossier)
    _check(
        abilities.can_review,
        _("Seuls les gestionnaires de l'appel rédigent les revues, pendant le projet."),
    )
    call = dossier.call
    _check(kind in Review.Kind.values, _("Ce type de revue n'existe pas."), "invalid")
    unknown = set(fields) - {*REVIEW_TEXTS, "conclusion"}
    _check(not unknown, _("Champ de revue inconnu."), "invalid")
    if kind in (Review.Kind.INTERIM, Review.Kind.ANNUAL):
        _check(
            call.follow_up == Call.FollowUp.ANNUAL,
            _("Les revues intermédiaire et annuelles sont celles d'un appel suivi chaque année."),
            "invalid",
        )
    if kind == Review.Kind.ANNUAL:
        year = parse_year(year)
        _check(year is not None, _("Indiquez l'année de la revue annuelle."), "invalid")
    else:
        year = 0
    if kind == Review.Kind.FINAL:
        _check(
            dossier.state == S.FINAL_REPORT,
            _("La revue finale suit la remise du rapport final."),
            "invalid",
        )
    report = _review_report(dossier, kind, year, report)
    values = {}
    for name in REVIEW_TEXTS:
        text = fields.get(name) or ""
        _check(isinstance(text, str), _("Ce texte n'est pas valide."), "invalid")
        text = text.strip()
        label = Review._meta.get_field(name).verbose_name
        _check(
            text or name not in REVIEW_REQUIRED,
            _("Renseignez la rubrique « %(label)s ».") % {"label": label},
            "invalid",
        )
        _check(
            len(text) <= TEXT_MAX,
            _("La rubrique « %(label)s » est limitée à %(limit)s caractères.")
            % {"label": label, "limit": f"{TEXT_MAX:,}".replace(",", "\u202f")},
            "invalid",
        )
        values[name] = text
    conclusion = fields.get("conclusion") or ""
    _check(
        conclusion in Review.Conclusion.values,
        _("Choisissez l'appréciation d'ensemble."),
        "invalid",
    )
    values["conclusion"] = conclusion
    with transaction.atomic():
        review, created = Review.objects.select_for_update().get_or_create(
            dossier=dossier,
            kind=kind,
            year=year,
            defaults={**values, "report": report, "reviewed_by": actor},
        )
        if not created:
            for name, value in values.items():
                setattr(review, name, value)
            review.report = report
            review.reviewed_by = actor
            review.reviewed_at = timezone.now()
            review.save()
        label = review_label(kind, year)
        _event(
            dossier,
            actor,
            "review_recorded",
            label if created else _("%(label)s (modifiée)") % {"label": label},
        )
        _touch(dossier)
    return review


def review_label(kind, year=0):
    if kind == Review.Kind.ANNUAL:
        return _("Revue annuelle %(year)s") % {"year": year}
    return str(Review.Kind(kind).label)


def report_label(report):
    if report.kind == Report.Kind.ANNUAL:
        return _("Rapport annuel %(year)s") % {"year": report.year}
    return _("Rapport final")


def project_close(*, actor, dossier):
    """Close the project (the call's managers), once its final review is recorded."""
    _check(
        dossier_abilities(actor, dossier).can_close,
        _("Seuls les gestionnaires de l'appel closent un projet dont le rapport final est remis."),
    )
    _check(
        dossier.reviews.filter(kind=Review.Kind.FINAL).exists(),
        _("Le projet ne peut pas être clos sans la revue finale : rédigez-la d'abord."),
        "invalid",
    )
    DOSSIER.transition(dossier, S.CLOSED, actor=actor)
    return dossier


# --- what is due next -------------------------------------------------------------------------


def _month_year(day):
    return f"{MONTHS[day.month - 1]} {day.year}"


def _due_items(state, follow_up, interim_months, starts_on, ends_on, reports, reviews, today):
    """Every report or review still due, as ``(label, date)``; ``reports`` is
    ``{(kind, year): submitted_on}``, ``reviews`` a set of ``(kind, year)``."""
    items = []
    if state == S.FINAL_REPORT:
        if ("final", 0) in reviews:
            return [(_("Projet à clore après la revue finale"), today)]
        submitted = max(reports.values(), default=None) or today
        return [(_("Revue finale à rédiger"), submitted)]
    if state != S.IN_PROGRESS:
        return []
    if follow_up == Call.FollowUp.FINAL:
        if ends_on is not None:
            items.append(
                (_("Rapport final attendu le %(day)s") % {"day": long_date(ends_on)}, ends_on)
            )
        return items
    if starts_on is not None and ("interim", 0) not in reviews:
        due = add_months(starts_on, interim_months)
        items.append((_("Revue intermédiaire prévue le %(day)s") % {"day": long_date(due)}, due))
    if starts_on is None:
        return items
    last_year = ends_on.year if ends_on else starts_on.year
    for year in range(starts_on.year, last_year + 1):
        submitted = reports.get(("annual", year))
        if submitted is None:
            due = annual_report_due(year)
            items.append(
                (
                    _("Rapport annuel %(year)s attendu en %(month)s")
                    % {"year": year, "month": _month_year(due)},
                    due,
                )
            )
        elif ("annual", year) not in reviews:
            items.append((_("Revue annuelle %(year)s à rédiger") % {"year": year}, submitted))
    return items


def next_reviews(dossiers, today=None):
    """``{dossier id: (label, date) or None}``: the next report or review due of each dossier
    (a French label that says it, and its date; None when nothing is due: not running, or
    closed). Three queries whatever the number of dossiers (dossiers or their ids)."""
    today = today or timezone.localdate()
    ids = [getattr(item, "pk", item) for item in dossiers]
    answer = dict.fromkeys(ids)
    if not ids:
        return answer
    rows = Dossier.objects.filter(pk__in=ids).values(
        "pk",
        "state",
        "call__follow_up",
        "call__interim_review_months",
        "convention__starts_on",
        "convention__ends_on",
    )
    rows = {row["pk"]: row for row in rows}
    reports = {}
    for dossier_id, kind, year, at in Report.objects.filter(dossier_id__in=ids).values_list(
        "dossier_id", "kind", "year", "submitted_at"
    ):
        reports.setdefault(dossier_id, {})[(kind, year)] = timezone.localdate(at)
    reviews = {}
    for dossier_id, kind, year in Review.objects.filter(dossier_id__in=ids).values_list(
        "dossier_id", "kind", "year"
    ):
        reviews.setdefault(dossier_id, set()).add((kind, year))
    for dossier_id, row in rows.items():
        items = _due_items(
            row["state"],
            row["call__follow_up"],
            row["call__interim_review_months"],
            row["convention__starts_on"],
            row["convention__ends_on"],
            reports.get(dossier_id, {}),
            reviews.get(dossier_id, set()),
            today,
        )
        answer[dossier_id] = min(items, key=lambda item: item[1]) if items else None
    return answer


def due_items(dossier):
    """Everything still due on ``dossier``, soonest first (the page lists them)."""
    starts_on, ends_on = _convention_dates(dossier)
    reports = {
        (kind, year): timezone.localdate(at)
        for kind, year, at in dossier.reports.values_list("kind", "year", "submitted_at")
    }
    reviews = set(dossier.reviews.values_list("kind", "year"))
    items = _due_items(
        dossier.state,
        dossier.call.follow_up,
        dossier.call.interim_review_months,
        starts_on,
        ends_on,
        reports,
        reviews,
        timezone.localdate(),
    )
    return sorted(items, key=lambda item: item[1])
