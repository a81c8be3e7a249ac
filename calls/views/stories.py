"""« Retours d'expérience » (R31), outside any call's address: the stories of closed projects that
every signed-in State agent reads (external partners get a 404), filtered by region and theme in
the address (a GET form, no JavaScript needed), paginated, newest first, the featured ones marked;
a story's page, where the region's SGAR officer (or a platform administrator) features it on the
region's page or stops featuring it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from calls import stories
from calls.models import Story, Theme
from calls.permissions import FOLLOWED, dossier_abilities
from directory.models import Region
from maillage.forms import DsfrForm
from maillage.http import Refused, id_or_404

PER_PAGE = 20
# The states in which a project has its public page (``calls.views.public.project``).
PUBLIC_STATES = FOLLOWED


class StoryFilterForm(DsfrForm):
    region = forms.ModelChoiceField(
        label=_lazy("Région"),
        queryset=Region.objects.order_by("name"),
        required=False,
        empty_label=_lazy("Toutes les régions"),
        to_field_name="slug",
        error_messages={"invalid_choice": _lazy("Cette région n'existe pas.")},
    )
    theme = forms.ModelChoiceField(
        label=_lazy("Thématique"),
        queryset=Theme.objects.none(),
        required=False,
        empty_label=_lazy("Toutes les thématiques"),
        error_messages={"invalid_choice": _lazy("Cette thématique n'existe pas.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The themes some story is tagged with.
        self.fields["theme"].queryset = Theme.objects.filter(
            pk__in=Story.objects.filter(theme__isnull=False).values("theme")
        ).order_by("label", "id")


def _readable(request):
    if not stories.can_read_stories(request.user):
        raise Http404


def _pages(request, page):
    """The DSFR pagination's links, each keeping the filters."""
    kept = {key: value for key, value in request.GET.items() if key != "page" and value}

    def url(number):
        return "?" + urlencode({**kept, "page": number})

    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return {
        "number": page.number,
        "first": url(1) if page.number > 1 else None,
        "previous": url(page.previous_page_number()) if page.has_previous() else None,
        "next": url(page.next_page_number()) if page.has_next() else None,
        "last": url(page.paginator.num_pages) if page.number < page.paginator.num_pages else None,
        "pages": [{"number": n, "url": url(n) if isinstance(n, int) else None} for n in numbers],
    }


@login_required
@require_http_methods(["GET", "HEAD"])
def story_list(request):
    _readable(request)
    form = StoryFilterForm(request.GET or None)
    region = theme = None
    if request.GET and form.is_valid():
        region = form.cleaned_data.get("region")
        theme = form.cleaned_data.get("theme")
    found = stories.stories_readable(request.user, region=region, theme=theme)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "calls/stories/list.html",
        {
            "title": _("Retours d'expérience"),
            "form": form,
            "page": page,
            "pagination": _pages(request, page) if page.paginator.num_pages > 1 else None,
            "filtered": bool(region or theme),
        },
    )


def _story(request, story_id):
    _readable(request)
    return get_object_or_404(
        Story.objects.select_related(
            "region", "theme", "dossier", "dossier__call", "published_by", "featured_by"
        ),
        pk=id_or_404(story_id),
    )


def _page(request, story, *, status=200, error=None):
    dossier = story.dossier
    return render(
        request,
        "calls/stories/detail.html",
        {
            "title": story.title,
            "story": story,
            "dossier": dossier,
            "public_url": (
                reverse("calls:project", args=[dossier.pk])
                if dossier.state in PUBLIC_STATES
                else None
            ),
            "dossier_url": dossier.get_absolute_url()
            if dossier_abilities(request.user, dossier).can_read
            else None,
            "can_feature": stories.can_feature(request.user, story),
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def story_detail(request, story_id):
    return _page(request, _story(request, story_id))


@login_required
@require_http_methods(["POST"])
def story_feature(request, story_id):
    story = _story(request, story_id)
    featured = request.POST.get("featured") == "1"
    try:
        stories.story_feature(actor=request.user, story=story, featured=featured)
    except Refused as error:
        return _page(request, story, status=error.status, error=str(error))
    messages.success(
        request,
        _("Le retour d'expérience est mis en avant sur la page de la région.")
        if featured
        else _("Le retour d'expérience n'est plus mis en avant."),
    )
    return redirect(story.get_absolute_url())


urlpatterns = [
    path("retours-d-experience/", story_list, name="stories"),
    path("retours-d-experience/<int:story_id>/", story_detail, name="story"),
    path("retours-d-experience/<int:story_id>/une/", story_feature, name="story_feature"),
]
