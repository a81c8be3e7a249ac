"""« Rapports et revues », the follow-up's part on the end of a project (R60, R61): the reports the
team submitted (with their files), the reviews the call's managers wrote (the six headings, the
conclusion, who and when), what is due next, and the forms of what the viewer may do: submit
the final or annual report, return it to the team, record a review, close the project, publish
a story of the closed project (R31).

Each form posts to its own address, which calls the service (``calls.follow_up``,
``calls.stories``) and comes back to the page: with a message after a success, with the form
and its French error (and the refusal's status) otherwise. The services decide; the page only
hides what the viewer may not do.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from calls import follow_up, stories
from calls.files import accepted_formats
from calls.models import TEXT_MAX, TITLE_MAX, Call, Dossier, Report, Review, Story
from calls.views.common import DOSSIER_PREFIX as D
from calls.views.common import follow_up_render, follow_up_view
from maillage.forms import DsfrForm
from maillage.http import Refused, id_or_404, status_of
from maillage.uploads import protected_download

S = Dossier.State
TEMPLATE = "calls/follow_up/reports.html"

TOO_LONG = _lazy(
    "Ce texte est limité à %(limit_value)s caractères (vous en avez saisi %(show_value)s) : "
    "raccourcissez-le."
)


def _text(label, *, required=True, required_message=None, limit=TEXT_MAX, rows=4, **kwargs):
    error_messages = {"max_length": TOO_LONG}
    if required_message:
        error_messages["required"] = required_message
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=error_messages,
        strip=True,
        **kwargs,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the deliverables)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            cleaned = [single(item, initial) for item in data]
        else:
            cleaned = [single(data, initial)]
        return [item for item in cleaned if item]


class ReportForm(DsfrForm):
    """The final report (a call followed by a final report), or the annual report on a year
    (a labs call: ``annual``)."""

    year = forms.IntegerField(
        label=_lazy("Année couverte par le rapport"),
        min_value=1000,
        max_value=9999,
        help_text=_lazy("Le rapport de début d'année porte sur l'année écoulée (ex. 2017)."),
        error_messages={
            "required": _lazy("Indiquez l'année couverte par le rapport."),
            "invalid": _lazy("Indiquez une année en chiffres (ex. 2017)."),
            "min_value": _lazy("Indiquez une année en chiffres (ex. 2017)."),
            "max_value": _lazy("Indiquez une année en chiffres (ex. 2017)."),
        },
    )
    file = forms.FileField(
        label=_lazy("Rapport"),
        error_messages={
            "required": _lazy("Joignez le rapport."),
            "empty": _lazy("Le fichier envoyé est vide."),
        },
    )
    deliverables = _text(
        _lazy("Livrables (un par ligne)"),
        required=False,
        limit=follow_up.DELIVERABLES_MAX,
    )
    deliverable_files = MultipleFileField(
        label=_lazy("Fichiers des livrables"),
        required=False,
        help_text=_lazy("Facultatif : jusqu'à 10 fichiers."),
        error_messages={"empty": _lazy("Un des fichiers envoyés est vide.")},
    )
    last = forms.BooleanField(
        label=_lazy("C'est le dernier rapport du projet (il tient lieu de rapport final)"),
        required=False,
    )

    def __init__(self, *args, annual, formats="", **kwargs):
        super().__init__(*args, **kwargs)
        self.annual = annual
        if formats:
            self.fields["file"].help_text = _("Formats acceptés : %(formats)s.") % {
                "formats": formats
            }
        if not annual:
            del self.fields["year"]
            del self.fields["last"]
            self.fields["file"].label = _("Rapport final")


class ReturnForm(DsfrForm):
    reason = _text(
        _lazy("Motif du renvoi à l'équipe"),
        required_message=_lazy("Indiquez le motif du renvoi à l'équipe."),
        limit=5000,
        rows=3,
    )


class ReviewForm(DsfrForm):
    """A review: the six headings of the seed's form and the overall conclusion."""

    administrative = _text(
        Review._meta.get_field("administrative").verbose_name.capitalize(),
        required_message=_lazy("Renseignez les aspects administratifs."),
    )
    technical = _text(
        Review._meta.get_field("technical").verbose_name.capitalize(),
        required_message=_lazy("Renseignez les aspects techniques."),
    )
    financial = _text(
        Review._meta.get_field("financial").verbose_name.capitalize(),
        required_message=_lazy("Renseignez les aspects financiers."),
    )
    modernisation = _text(
        _lazy("Contribution à la modernisation de l'action publique"),
        required_message=_lazy("Renseignez la contribution à la modernisation."),
    )
    prospects = _text(
        _lazy("Perspectives ouvertes (généralisation ou intégration)"),
        required_message=_lazy("Renseignez les perspectives ouvertes."),
    )
    other_benefits = _text(_lazy("Autres bénéfices"), required=False)
    conclusion = forms.ChoiceField(
        label=_lazy("Appréciation d'ensemble"),
        choices=Review.Conclusion.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _lazy("Choisissez l'appréciation d'ensemble."),
            "invalid_choice": _lazy("Choisissez l'appréciation d'ensemble."),
        },
    )


class StoryForm(DsfrForm):
    kind = forms.ChoiceField(
        label=_lazy("Type de retour d'expérience"),
        choices=Story.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _lazy("Choisissez le type de retour d'expérience."),
            "invalid_choice": _lazy("Choisissez le type de retour d'expérience."),
        },
    )
    title = forms.CharField(
        label=_lazy("Titre"),
        max_length=TITLE_MAX,
        error_messages={
            "required": _lazy("Donnez un titre au retour d'expérience."),
            "max_length": TOO_LONG,
        },
    )
    body = _text(
        _lazy("Récit"),
        required_message=_lazy("Racontez le retour d'expérience."),
        rows=10,
        help_text=_lazy(
            "Mise en forme Markdown : **gras**, *italique*, listes, liens. Le HTML n'est pas "
            "interprété."
        ),
    )


def _url(dossier):
    return reverse("calls:follow_up", args=[dossier.call.slug, dossier.pk])


def _is_annual(dossier):
    return dossier.call.follow_up == Call.FollowUp.ANNUAL


def _review_forms(dossier, ab, reviews, bound=None):
    """The review forms the viewer may fill: ``[{kind, year, title, form, existing}]``."""
    if not ab.can_review:
        return []
    by_key = {(review.kind, review.year): review for review in reviews}
    wanted = []
    if _is_annual(dossier):
        wanted.append((Review.Kind.INTERIM, 0))
        for year in (
            dossier.reports.filter(kind=Report.Kind.ANNUAL)
            .order_by("year")
            .values_list("year", flat=True)
        ):
            wanted.append((Review.Kind.ANNUAL, year))
    if dossier.state == S.FINAL_REPORT:
        wanted.append((Review.Kind.FINAL, 0))
    found = []
    for kind, year in wanted:
        prefix = f"{kind}-{year}"
        existing = by_key.get((kind, year))
        if bound is not None and bound.prefix == prefix:
            form = bound
        else:
            initial = (
                {name: getattr(existing, name) for name in (*follow_up.REVIEW_TEXTS, "conclusion")}
                if existing
                else None
            )
            form = ReviewForm(prefix=prefix, initial=initial)
        found.append(
            {
                "kind": kind,
                "year": year,
                "title": follow_up.review_label(kind, year),
                "form": form,
                "existing": existing,
                "prefix": prefix,
            }
        )
    return found


def _page(request, dossier, ab, *, status=200, **bound):
    """The page, with the forms the viewer may use (``bound``: a form posted back with its
    errors, by its context name)."""
    reports = list(
        dossier.reports.select_related("submitted_by")
        .prefetch_related("files")
        .order_by("kind", "year", "submitted_at")
    )
    for report in reports:
        report.label = follow_up.report_label(report)
        report.deliverable_lines = [line for line in report.deliverables.splitlines() if line]
    reviews = list(dossier.reviews.select_related("reviewed_by", "report").order_by("reviewed_at"))
    for review in reviews:
        review.label = follow_up.review_label(review.kind, review.year)
        review.headings = [
            (Review._meta.get_field(name).verbose_name, getattr(review, name))
            for name in follow_up.REVIEW_TEXTS
        ]
    returned = None
    if dossier.state == S.IN_PROGRESS and reports:
        returned = (
            dossier.events.filter(action="final_report_returned")
            .select_related("actor")
            .order_by("-at", "-id")
            .first()
        )
        if returned is not None and not follow_up.was_returned(dossier, reports[-1]):
            returned = None
    annual = _is_annual(dossier)
    has_final_review = any(review.kind == Review.Kind.FINAL for review in reviews)
    context = {
        "annual": annual,
        "reports": reports,
        "reviews": reviews,
        "due": follow_up.due_items(dossier),
        "has_final_review": has_final_review,
        "returned": returned,
        "report_form": bound.get("report_form")
        or (
            ReportForm(annual=annual, formats=", ".join(accepted_formats(dossier.call)))
            if ab.can_submit_report
            else None
        ),
        "return_form": bound.get("return_form")
        or (
            ReturnForm()
            if ab.is_manager and dossier.state == S.FINAL_REPORT and not has_final_review
            else None
        ),
        "review_forms": _review_forms(dossier, ab, reviews, bound.get("review_form")),
        "can_close": ab.can_close,
        "story_form": bound.get("story_form") or (StoryForm() if ab.can_publish_story else None),
        "stories": list(dossier.stories.order_by("-published_at")),
        "error": bound.get("error"),
    }
    return follow_up_render(request, dossier, ab, "reports", TEMPLATE, context, status=status)


@follow_up_view("GET", "HEAD")
def reports(request, dossier, ab):
    return _page(request, dossier, ab)


@follow_up_view("POST")
def report_submit(request, dossier, ab):
    annual = _is_annual(dossier)
    form = ReportForm(request.POST, request.FILES, annual=annual)
    if not form.is_valid():
        return _page(request, dossier, ab, status=400, report_form=form)
    data = form.cleaned_data
    try:
        report = follow_up.report_submit(
            actor=request.user,
            dossier=dossier,
            kind=Report.Kind.ANNUAL if annual else Report.Kind.FINAL,
            year=data.get("year") or 0,
            upload=data["file"],
            deliverables=data["deliverables"],
            files=data["deliverable_files"],
            last=data.get("last", False),
        )
    except Refused as error:
        form.add_error(None, str(error))
        return _page(request, dossier, ab, status=status_of(error), report_form=form)
    messages.success(request, _("%(label)s est remis.") % {"label": follow_up.report_label(report)})
    return redirect(_url(dossier))


@follow_up_view("POST")
def report_return(request, dossier, ab):
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _page(request, dossier, ab, status=400, return_form=form)
    try:
        follow_up.report_return(
            actor=request.user, dossier=dossier, reason=form.cleaned_data["reason"]
        )
    except Refused as error:
        form.add_error(None, str(error))
        return _page(request, dossier, ab, status=status_of(error), return_form=form)
    messages.success(request, _("Le rapport est renvoyé à l'équipe."))
    return redirect(_url(dossier))


@follow_up_view("POST")
def review_record(request, dossier, ab):
    kind = request.POST.get("kind", "")
    year = follow_up.parse_year(request.POST.get("year")) if kind == Review.Kind.ANNUAL else 0
    if kind not in Review.Kind.values or year is None:
        return _page(request, dossier, ab, status=400, error=_("Cette revue n'existe pas."))
    form = ReviewForm(request.POST, prefix=f"{kind}-{year}")
    if not form.is_valid():
        return _page(request, dossier, ab, status=400, review_form=form)
    try:
        follow_up.review_record(
            actor=request.user, dossier=dossier, kind=kind, year=year, **form.cleaned_data
        )
    except Refused as error:
        form.add_error(None, str(error))
        return _page(request, dossier, ab, status=status_of(error), review_form=form)
    messages.success(
        request, _("%(label)s est enregistrée.") % {"label": follow_up.review_label(kind, year)}
    )
    return redirect(_url(dossier))


@follow_up_view("POST")
def project_close(request, dossier, ab):
    try:
        follow_up.project_close(actor=request.user, dossier=dossier)
    except Refused as error:
        return _page(request, dossier, ab, status=status_of(error), error=str(error))
    messages.success(request, _("Le projet est clos."))
    return redirect(_url(dossier))


@follow_up_view("POST")
def story_publish(request, dossier, ab):
    form = StoryForm(request.POST)
    if not form.is_valid():
        return _page(request, dossier, ab, status=400, story_form=form)
    try:
        story = stories.story_publish(actor=request.user, dossier=dossier, **form.cleaned_data)
    except Refused as error:
        form.add_error(None, str(error))
        return _page(request, dossier, ab, status=status_of(error), story_form=form)
    messages.success(request, _("Le retour d'expérience est publié."))
    return redirect(story.get_absolute_url())


def _report(dossier, report_id):
    return get_object_or_404(dossier.reports, pk=id_or_404(report_id))


@follow_up_view("GET", "HEAD")
def report_file(request, dossier, ab, report_id):
    """A report's main file, for whoever reads the follow-up (404 for another dossier's)."""
    report = _report(dossier, report_id)
    return protected_download(report.file, name=report.name, content_type=report.content_type)


@follow_up_view("GET", "HEAD")
def report_deliverable(request, dossier, ab, report_id, file_id):
    """A deliverable's file of a report (404 for another report's or dossier's)."""
    report = _report(dossier, report_id)
    item = get_object_or_404(report.files, pk=id_or_404(file_id))
    return protected_download(item.file, name=item.name, content_type=item.content_type)


urlpatterns = [
    path(D + "rapports/", reports, name="follow_up"),
    path(D + "rapports/remettre/", report_submit, name="report_submit"),
    path(D + "rapports/renvoyer/", report_return, name="report_return"),
    path(D + "rapports/revues/", review_record, name="review_record"),
    path(D + "rapports/clore/", project_close, name="project_close"),
    path(D + "rapports/retour-d-experience/", story_publish, name="story_publish"),
    path(D + "rapports/<int:report_id>/fichier/", report_file, name="report_file"),
    path(
        D + "rapports/<int:report_id>/livrables/<int:file_id>/",
        report_deliverable,
        name="report_deliverable",
    ),
]
