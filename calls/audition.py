"""The audition of the shortlisted candidates of a call that has one (``Call.audition``, R61,
spec §3.13: « at the SGMAP or remotely, including video », L3824-3834, L5524-5530).

A dossier « en évaluation » is shortlisted by the call's managers (``dossier_shortlist``: the
move to « présélectionné, audition »); they set the audition's date and time (Paris), its place
and its video-conference link (``audition_schedule``), then write what the committee heard
(``audition_record``). After it, they record the expert committee's reasoned opinion as for any
dossier (``services.opinion_record``, allowed from « audition »).

Who reads it (``can_read_audition``): the team (sponsor, lead, team members: date, place and
link), the call's managers, the steering committee and the assigned experts (with the notes,
``can_read_audition_notes``). A partner's representative, another expert or an outsider does
not. Every act leaves a ``DossierEvent`` (``audition_scheduled``, ``audition_recorded``).
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls import deadlines
from calls.models import TEXT_MAX, Audition, CallRole, Dossier
from calls.notification_kinds import audition_scheduled
from calls.permissions import dossier_abilities
from calls.services import CallError, _check, _event, _touch
from calls.workflow import DOSSIER

S = Dossier.State

PLACE_MAX = 300
VIDEO_URL_MAX = 200
# The states in which an audition is read: shortlisted, then everything the committee decides.
AFTER_SHORTLIST = (
    S.AUDITION,
    S.REVIEWED,
    S.REFERRED,
    S.SELECTED,
    S.NOT_SELECTED,
    S.PROMISING,
    S.IN_PROGRESS,
    S.FINAL_REPORT,
    S.CLOSED,
)


def _abilities(agent, dossier):
    return dossier_abilities(agent, dossier)


def _is_reader_of_notes(abilities):
    """The call's managers, the steering committee, the experts assigned to the dossier."""
    return (
        abilities.is_manager
        or CallRole.Role.COMMITTEE in abilities.call_roles
        or abilities.is_expert
    )


def can_read_audition(agent, dossier):
    """The audition part of ``dossier`` is shown to ``agent``: a call with an audition, the
    dossier shortlisted (or further, once shortlisted), and ``agent`` of its team, a manager,
    a member of the steering committee or an assigned expert."""
    if not dossier.call.audition or dossier.state not in AFTER_SHORTLIST:
        return False
    if dossier.state != S.AUDITION and not Audition.objects.filter(dossier=dossier).exists():
        return False
    abilities = _abilities(agent, dossier)
    if not abilities.can_read:
        return False
    return abilities.is_team or _is_reader_of_notes(abilities)


def can_read_audition_notes(agent, dossier):
    """The audition's notes: the managers, the steering committee and the assigned experts,
    never the team."""
    if not can_read_audition(agent, dossier):
        return False
    return _is_reader_of_notes(_abilities(agent, dossier))


def audition_of(dossier):
    """The dossier's ``Audition``, or None."""
    return Audition.objects.filter(dossier=dossier).select_related("scheduled_by").first()


def dossier_shortlist(*, actor, dossier):
    """Shortlist a dossier « en évaluation » for the audition (the call's managers, a call with
    an audition): it moves to « présélectionné, audition ». Returns the dossier."""
    _check(
        dossier.call.audition,
        _("Cet appel ne prévoit pas d'audition des candidats."),
        "invalid",
    )
    _check(
        _abilities(actor, dossier).is_manager,
        _("Seuls les gestionnaires de l'appel présélectionnent les candidats."),
    )
    _check(
        dossier.state == S.EVALUATION,
        _("Seul un dossier en évaluation peut être présélectionné pour l'audition."),
        "conflict",
    )
    DOSSIER.transition(dossier, S.AUDITION, actor=actor)
    return dossier


def _clean_video_url(url):
    url = (url or "").strip()
    if not url:
        return ""
    _check(
        len(url) <= VIDEO_URL_MAX,
        _("Le lien de visioconférence compte au plus %(max)s caractères.") % {"max": VIDEO_URL_MAX},
        "invalid",
    )
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        raise CallError(
            _(
                "Le lien de visioconférence doit être une adresse web sécurisée, commençant par "
                "https://."
            ),
            "invalid",
        ) from None
    return url


def _check_manager(actor, dossier):
    abilities = _abilities(actor, dossier)
    _check(
        abilities.is_manager,
        _("Seuls les gestionnaires de l'appel organisent l'audition."),
    )
    _check(
        abilities.can_schedule_audition,
        _("L'audition ne s'organise que pour un dossier présélectionné, avant l'avis motivé."),
        "conflict",
    )


def audition_schedule(*, actor, dossier, scheduled_at, place="", video_url="", now=None):
    """Set (or change) the audition of a shortlisted dossier: ``scheduled_at`` an aware
    datetime still ahead (or the one already set), ``place`` (at most 300 characters) and/or ``video_url`` (an https
    address) — one of them at least. Writes an ``audition_scheduled`` event. Returns the
    ``Audition``."""
    now = now or timezone.now()
    _check_manager(actor, dossier)
    _check(
        isinstance(scheduled_at, datetime) and timezone.is_aware(scheduled_at),
        _("Indiquez la date et l'heure de l'audition."),
        "invalid",
    )
    current = Audition.objects.filter(dossier=dossier).values_list("scheduled_at", flat=True)
    # A new date must be ahead; the date already set may stay (to correct the place or link).
    _check(
        scheduled_at > now or scheduled_at in list(current),
        _("La date de l'audition doit être à venir."),
        "invalid",
    )
    place = (place or "").strip()
    _check(
        len(place) <= PLACE_MAX,
        _("Le lieu compte au plus %(max)s caractères.") % {"max": PLACE_MAX},
        "invalid",
    )
    video_url = _clean_video_url(video_url)
    _check(
        place or video_url,
        _("Indiquez le lieu de l'audition ou le lien de visioconférence."),
        "invalid",
    )
    with transaction.atomic():
        audition = Audition.objects.select_for_update().filter(dossier=dossier).first()
        if audition is None:
            audition = Audition(dossier=dossier, scheduled_at=scheduled_at)
        audition.scheduled_at = scheduled_at
        audition.place = place
        audition.video_url = video_url
        audition.scheduled_by = actor
        audition.save()
        where = " ; ".join(part for part in (place, video_url) if part)
        _event(
            dossier,
            actor,
            "audition_scheduled",
            _("Audition le %(when)s, %(where)s")
            % {"when": deadlines.french_datetime(scheduled_at), "where": where},
        )
        _touch(dossier)
        transaction.on_commit(lambda: audition_scheduled(audition, actor))
    return audition


def audition_record(*, actor, dossier, notes):
    """Write what the committee heard at the audition (the managers, once it is scheduled,
    before the reasoned opinion). Writes an ``audition_recorded`` event. Returns the
    ``Audition``."""
    _check_manager(actor, dossier)
    notes = (notes or "").strip()
    _check(notes, _("Écrivez le compte rendu de l'audition."), "invalid")
    _check(
        len(notes) <= TEXT_MAX,
        _("Le compte rendu compte au plus %(max)s caractères.") % {"max": f"{TEXT_MAX:,}"},
        "invalid",
    )
    with transaction.atomic():
        audition = Audition.objects.select_for_update().filter(dossier=dossier).first()
        _check(
            audition is not None,
            _("Fixez d'abord la date de l'audition."),
            "conflict",
        )
        audition.notes = notes
        audition.save(update_fields=["notes"])
        _event(dossier, actor, "audition_recorded")
        _touch(dossier)
    return audition
