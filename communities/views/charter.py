"""The community's charter: reading any version, accepting the current one, publishing a new one,
and who accepted which version."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from communities import selectors, services
from communities.forms.content import CharterAcceptForm, CharterPublishForm
from communities.models import CharterAcceptance
from communities.views.common import community_view, run_service, safe_next


@community_view()
def charter(request, community, ab):
    current = community.current_charter
    shown = current
    requested = request.GET.get("version")
    if requested:
        try:
            number = int(requested)
        except ValueError:
            raise Http404 from None
        # Only this community's versions: a number is looked up among them, never an id.
        shown = get_object_or_404(community.charter_versions, number=number)

    form = CharterAcceptForm(initial={"version": current.pk if current else None})
    status = 200
    if request.method == "POST":
        posted = CharterAcceptForm(request.POST)
        if posted.is_valid():
            _result, ok = run_service(
                request,
                services.charter_accept,
                community=community,
                agent=request.user,
                version_id=posted.cleaned_data["version"],
                success=_(
                    "Merci : vous avez accepté la charte (version %(n)s). "
                    "Vous pouvez maintenant contribuer."
                )
                % {"n": current.number if current else ""},
            )
            if ok:
                return redirect(safe_next(request, community.get_absolute_url()))
            # The refusal (an outdated version, someone not a member) is in the messages: the
            # page shows the current version again, with a fresh form for it.
            shown = current
        else:
            form = posted
        status = 400

    return render(
        request,
        "communities/charter.html",
        {
            "community": community,
            "ab": ab,
            "title": _("Charte"),
            "shown": shown,
            "current": current,
            "versions": community.charter_versions.select_related("published_by"),
            "form": form,
            "next": safe_next(request, ""),
        },
        status=status,
    )


@community_view(ability="can_publish_charter")
def charter_publish(request, community, ab):
    current = community.current_charter
    current_text = current.text if current else ""
    form = CharterPublishForm(
        request.POST or None,
        current_text=current_text,
        previewing="preview" in request.POST,
        initial={"text": current_text},
    )
    preview = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if "preview" in request.POST:
                preview = form.cleaned_data["text"]
            else:
                version, ok = run_service(
                    request,
                    services.charter_publish,
                    community=community,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                )
                if ok:
                    messages.success(
                        request,
                        _(
                            "La version %(n)s de la charte est publiée. Chaque membre, vous "
                            "compris, doit maintenant l'accepter à nouveau avant de contribuer."
                        )
                        % {"n": version.number},
                    )
                    return redirect("communities:charter", community.slug)
                status = 400
        else:
            status = 400
    return render(
        request,
        "communities/charter_publish.html",
        {
            "community": community,
            "ab": ab,
            "title": _("Publier une nouvelle version de la charte"),
            "form": form,
            "preview": preview,
            "current": current,
        },
        status=status,
    )


@community_view(ability="can_read")
def charter_acceptances(request, community, ab):
    current_id = community.current_charter_id
    members = selectors.members_of(community).annotate(
        accepted_at=Subquery(
            CharterAcceptance.objects.filter(
                version=OuterRef("charter_accepted"), agent=OuterRef("agent")
            ).values("accepted_at")[:1]
        )
    )
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    page.pages_list = page.paginator.get_elided_page_range(page.number)
    total = page.paginator.count
    up_to_date = members.filter(charter_accepted_id=current_id).count() if current_id else 0
    return render(
        request,
        "communities/charter_acceptances.html",
        {
            "community": community,
            "ab": ab,
            "title": _("Acceptations de la charte"),
            "page_obj": page,
            "total": total,
            "up_to_date": up_to_date,
            "pending": total - up_to_date,
            "current": community.current_charter,
        },
    )
