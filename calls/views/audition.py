"""The audition of a shortlisted candidate (a call with ``Call.audition``, R61): one page
(``calls:audition``) where the call's managers set its date and time (Paris), its place and its
video-conference link, then write what the committee heard; the team reads the date, the place
and the link, the managers, the steering committee and the assigned experts read the notes too.
The same address takes the managers' « Présélectionner pour l'audition » from the evaluation
page (``action=shortlist``).

The services decide (``calls.audition``); the forms only read what is typed (a date that does
not exist, an address that is not https: a French message beside the field).
"""

from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from calls import audition as services
from calls import deadlines
from calls.models import TEXT_MAX
from calls.services import CallError
from calls.views.common import DOSSIER_PREFIX as D
from calls.views.common import dossier_for
from maillage.forms import DsfrForm
from maillage.http import Refused, status_of

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
TIME_FORMATS = ["%H:%M", "%Hh%M", "%H h %M", "%H:%M:%S"]


class ScheduleForm(DsfrForm):
    day = forms.DateField(
        label=_lazy("Date de l'audition"),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _lazy("Indiquez la date de l'audition."),
            "invalid": _lazy("Saisissez une date qui existe, au format jj/mm/aaaa."),
        },
    )
    time = forms.TimeField(
        label=_lazy("Heure (heure de Paris)"),
        input_formats=TIME_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _lazy("Indiquez l'heure de l'audition."),
            "invalid": _lazy("Saisissez une heure, par exemple 14:30."),
        },
    )
    place = forms.CharField(
        label=_lazy("Lieu"),
        help_text=_lazy("Par exemple : SGMAP, salle 301, 20 avenue de Ségur, Paris."),
        required=False,
        max_length=services.PLACE_MAX,
        error_messages={
            "max_length": _lazy("Le lieu compte au plus %(limit_value)s caractères."),
        },
    )
    video_url = forms.CharField(
        label=_lazy("Lien de visioconférence"),
        help_text=_lazy("Une adresse sécurisée, commençant par https://"),
        required=False,
        max_length=services.VIDEO_URL_MAX,
        error_messages={
            "max_length": _lazy(
                "Le lien de visioconférence compte au plus %(limit_value)s caractères."
            ),
        },
    )

    def clean_video_url(self):
        try:
            return services._clean_video_url(self.cleaned_data["video_url"])
        except CallError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("place") and not data.get("video_url"):
            self.add_error(
                "place", _("Indiquez le lieu de l'audition ou le lien de visioconférence.")
            )
        return data

    def scheduled_at(self):
        day, time = self.cleaned_data["day"], self.cleaned_data["time"]
        return datetime.combine(day, time).replace(tzinfo=deadlines.PARIS)


class NotesForm(DsfrForm):
    notes = forms.CharField(
        label=_lazy("Compte rendu de l'audition"),
        help_text=_lazy(
            "Ce que le comité a entendu ; lu par les gestionnaires, le comité de pilotage et les "
            "experts du dossier, jamais par l'équipe."
        ),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _lazy("Écrivez le compte rendu de l'audition."),
            "max_length": _lazy(
                "Ce texte est limité à %(limit_value)s caractères (vous en avez saisi "
                "%(show_value)s) : raccourcissez-le."
            ),
        },
    )


def _evaluation_url(dossier):
    return reverse("calls:evaluation", args=[dossier.call.slug, dossier.pk])


def _url(dossier):
    return reverse("calls:audition", args=[dossier.call.slug, dossier.pk])


def _schedule_initial(audition):
    if audition is None:
        return {}
    local = timezone.localtime(audition.scheduled_at, deadlines.PARIS)
    return {
        "day": local.date(),
        "time": local.time().replace(second=0, microsecond=0),
        "place": audition.place,
        "video_url": audition.video_url,
    }


def _render(request, dossier, abilities, *, schedule_form=None, notes_form=None, status=200):
    audition = services.audition_of(dossier)
    may_manage = abilities.can_schedule_audition
    context = {
        "title": _("Audition — %(dossier)s") % {"dossier": dossier},
        "call": dossier.call,
        "dossier": dossier,
        "audition": audition,
        "when": (deadlines.french_datetime(audition.scheduled_at) if audition else ""),
        "read_notes": services.can_read_audition_notes(request.user, dossier),
        "may_manage": may_manage,
        "is_team": abilities.is_team,
    }
    if may_manage:
        context["schedule_form"] = schedule_form or ScheduleForm(
            initial=_schedule_initial(audition), prefix="schedule"
        )
        if audition is not None:
            context["notes_form"] = notes_form or NotesForm(
                initial={"notes": audition.notes}, prefix="notes"
            )
    return render(request, "calls/evaluation/audition.html", context, status=status)


def _shortlist(request, dossier):
    try:
        services.dossier_shortlist(actor=request.user, dossier=dossier)
    except Refused as error:
        if status_of(error) == 403:
            raise PermissionDenied(str(error)) from None
        messages.error(request, str(error))
        return redirect(_evaluation_url(dossier))
    messages.success(
        request,
        _("Le dossier est présélectionné pour l'audition : fixez-en la date, le lieu et le lien."),
    )
    return redirect(_url(dossier))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def audition(request, slug, dossier_id):
    dossier, abilities = dossier_for(request, slug, dossier_id)
    if not dossier.call.audition:
        raise Http404
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "shortlist":
        return _shortlist(request, dossier)
    if not services.can_read_audition(request.user, dossier):
        if abilities.is_manager or abilities.is_team:
            # Not shortlisted (yet): nothing to show.
            raise Http404
        raise PermissionDenied(_("L'audition est réservée à l'équipe, au comité et aux experts."))
    if request.method != "POST":
        return _render(request, dossier, abilities)
    if action == "schedule":
        form = ScheduleForm(request.POST, prefix="schedule")
        if not form.is_valid():
            return _render(request, dossier, abilities, schedule_form=form, status=400)
        try:
            services.audition_schedule(
                actor=request.user,
                dossier=dossier,
                scheduled_at=form.scheduled_at(),
                place=form.cleaned_data["place"],
                video_url=form.cleaned_data["video_url"],
            )
        except Refused as error:
            if status_of(error) == 403:
                raise PermissionDenied(str(error)) from None
            form.add_error(None, str(error))
            return _render(request, dossier, abilities, schedule_form=form, status=status_of(error))
        messages.success(request, _("L'audition est programmée."))
        return redirect(_url(dossier))
    if action == "record":
        form = NotesForm(request.POST, prefix="notes")
        if not form.is_valid():
            return _render(request, dossier, abilities, notes_form=form, status=400)
        try:
            services.audition_record(
                actor=request.user, dossier=dossier, notes=form.cleaned_data["notes"]
            )
        except Refused as error:
            if status_of(error) == 403:
                raise PermissionDenied(str(error)) from None
            form.add_error(None, str(error))
            return _render(request, dossier, abilities, notes_form=form, status=status_of(error))
        messages.success(request, _("Le compte rendu de l'audition est enregistré."))
        return redirect(_url(dossier))
    messages.error(request, _("Cette action n'existe pas."))
    return redirect(_url(dossier))


urlpatterns = [path(D + "audition/", audition, name="audition")]
