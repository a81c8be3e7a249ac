"""Browsing the communities, their home, creation, settings, activity, archiving."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities import blog, permissions, proposals, selectors, services
from communities.forms.community import CommunityCreateForm, CommunityFilterForm, CommunityForm
from communities.forms.membership import ArchiveForm
from communities.views.common import back_to, community_view, run_service, safe_next

PER_PAGE = 20
ACTIVITY_PER_PAGE = 30
HOME_ANNOUNCEMENTS = 5
HOME_ACTIVITY = 10


def paginate(request, queryset, per_page):
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    # The DSFR pagination shows this list of numbers, with « … » for the elided ones.
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page


@login_required
def community_list(request):
    is_admin = permissions.is_platform_admin(request.user)
    form = CommunityFilterForm(request.GET or None, show_archived=is_admin)
    filters = form.filters() if request.GET else {}
    page = paginate(request, selectors.community_list(request.user, **filters), PER_PAGE)
    context = {
        "form": form,
        "select_fields": [
            form[name] for name in ("theme", "kind", "region", "department", "ministry")
        ],
        "page": page,
        "filtered": bool(filters),
        "archived": bool(filters.get("archived")),
        "can_create": permissions.can_create_community(request.user),
        "can_propose": proposals.can_propose_community(request.user),
        "proposals_pending": proposals.proposals_pending_count() if is_admin else 0,
        "title": _("Communautés"),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        response = render(request, "communities/partials/community_results.html", context)
        # The address pushed in the history carries only the filters in use.
        query = urlencode({key: value for key, value in request.GET.items() if value})
        response["HX-Push-Url"] = request.path + (f"?{query}" if query else "")
    else:
        response = render(request, "communities/list.html", context)
    # The same address answers a fragment or a page: caches must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@community_view()
def community_home(request, community, ab):
    context = {"community": community, "ab": ab, "animators": selectors.animators_of(community)}
    if ab.can_read:
        if community.tool_announcements:
            announcements = selectors.announcements_for(request.user, community)
            context["featured"] = list(blog.featured_for(request.user, community))
            context["pinned"] = list(announcements.filter(pinned=True))
            context["announcements"] = list(announcements.filter(pinned=False)[:HOME_ANNOUNCEMENTS])
        context["activity"] = list(
            selectors.community_activity(request.user, community, limit=HOME_ACTIVITY)
        )
    return render(request, "communities/home.html", context)


@login_required
def community_create(request):
    if not permissions.can_create_community(request.user):
        raise PermissionDenied(
            _("Seuls les administrateurs de la plateforme créent des communautés.")
        )
    form = CommunityCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        community, ok = run_service(
            request,
            services.community_create,
            success=_("La communauté a été créée."),
            actor=request.user,
            animators=form.cleaned_data["animators"],
            themes=form.cleaned_data["themes"],
            ministries=form.cleaned_data["ministries"],
            **form.community_fields(),
        )
        if ok:
            return redirect(community.get_absolute_url())
    return render(
        request,
        "communities/form.html",
        {"form": form, "title": _("Créer une communauté"), "creating": True},
        status=400 if form.errors else 200,
    )


@community_view(ability="can_edit")
def community_edit(request, community, ab):
    form = CommunityForm(request.POST or None, request.FILES or None, instance=community)
    if request.method == "POST":
        if form.is_valid():
            _result, ok = run_service(
                request,
                services.community_update,
                success=_("Les paramètres de la communauté ont été enregistrés."),
                community=community,
                actor=request.user,
                form=form,
            )
            if ok:
                return back_to(community)
        # The form wrote the posted values on the instance: show the page with the saved ones.
        community.refresh_from_db()
    return render(
        request,
        "communities/form.html",
        {"form": form, "community": community, "ab": ab, "title": _("Paramètres")},
        status=400 if form.errors else 200,
    )


@community_view(ability="can_read")
def community_activity(request, community, ab):
    page = paginate(
        request,
        selectors.community_activity(request.user, community, limit=None),
        ACTIVITY_PER_PAGE,
    )
    return render(
        request,
        "communities/activity.html",
        {"community": community, "ab": ab, "page": page, "title": _("Activité")},
    )


def _platform_admin_only(ab):
    if not ab.is_admin:
        raise PermissionDenied(
            _("Seuls les administrateurs de la plateforme archivent et restaurent.")
        )


@community_view()
def community_archive(request, community, ab):
    _platform_admin_only(ab)
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run_service(
            request,
            services.community_archive,
            success=_("La communauté a été archivée : elle n'apparaît plus dans la liste."),
            community=community,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        return back_to(community)
    if community.is_archived:
        messages.info(request, _("Cette communauté est déjà archivée."))
        return back_to(community)
    return render(
        request,
        "communities/archive_confirm.html",
        {"community": community, "ab": ab, "form": form, "title": _("Archiver")},
    )


@require_POST
@community_view()
def community_restore(request, community, ab):
    _platform_admin_only(ab)
    run_service(
        request,
        services.community_restore,
        success=_("La communauté « %(name)s » a été restaurée.") % {"name": community.name},
        community=community,
        actor=request.user,
    )
    # From the list of archived communities, back to it; otherwise to the community.
    return redirect(safe_next(request, community.get_absolute_url()))
