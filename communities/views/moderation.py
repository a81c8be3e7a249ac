"""Reporting and moderation: a member reports content, the animators hide or restore it or
dismiss the report, and every action goes to the community's audit log.

Content is addressed generically by (content type id, object id) through the moderation registry;
whatever does not resolve to registered content of *this* community answers 404, so that forged
ids tell nothing about another community.
"""

from collections import defaultdict

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.content import audit, moderation
from communities.content import registry as content_registry
from communities.forms.content import ModerationForm, ReportForm
from communities.models import CharterVersion, Report
from communities.permissions import content_visible_to
from communities.views.common import community_view, run_service, safe_next

HIDDEN_LIMIT = 50


def _content_of(community, content_type_id, object_id):
    """The registered content behind the ids, when it belongs to this community; 404 otherwise."""
    content = content_registry.resolve(content_type_id, object_id)
    if content is None or content.community_id != community.pk:
        raise Http404
    # A draft (a blog post not published) is its author's alone: nobody reports or moderates
    # it, and a forged address must not tell its title.
    for lookup in getattr(type(content), "published_with", ()):
        value = content
        for name in lookup.split("__"):
            value = getattr(value, name)
        if value is None:
            raise Http404
    return content


def _reason(request):
    """The optional reason of a moderation action, or None (with a message) when too long."""
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Le motif ne peut pas dépasser 1 000 caractères."))
        return None
    return form.cleaned_data["reason"]


@community_view(ability="can_report")
def report(request, community, ab, content_type_id, object_id):
    content = _content_of(community, content_type_id, object_id)
    # What the reporter may not see (hidden content) must not be confirmed to exist.
    if not ab.can_moderate and not (
        content_visible_to(request.user, type(content).objects.filter(pk=content.pk)).exists()
    ):
        raise Http404
    label, text = content_registry.describe(content)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _result, ok = run_service(
                request,
                moderation.report_create,
                agent=request.user,
                content=content,
                reason=form.cleaned_data["reason"],
                success=_("Merci : votre signalement est transmis à l'animation de la communauté."),
            )
            if ok:
                return redirect(content.get_absolute_url())
        status = 400
    return render(
        request,
        "communities/report.html",
        {
            "community": community,
            "ab": ab,
            "title": _("Signaler un contenu"),
            "content": content,
            "label": label,
            "text": text,
            "form": form,
        },
        status=status,
    )


@community_view(ability="can_moderate")
def queue(request, community, ab):
    reports = (
        community.reports.filter(status=Report.Status.OPEN)
        .select_related("reporter")
        .prefetch_related("content")
        .order_by("created_at", "pk")
    )
    groups = {}
    for item in reports:
        key = (item.content_type_id, item.object_id)
        if key not in groups:
            content = item.content
            label, text = content_registry.describe(content) if content is not None else ("", "")
            groups[key] = {
                "content": content,
                "author": content_registry.author_of(content) if content is not None else None,
                "content_type_id": item.content_type_id,
                "object_id": item.object_id,
                "label": label,
                "text": text,
                "reports": [],
            }
        groups[key]["reports"].append(item)

    hidden = []
    for model, label in content_registry.registered_models():
        content_type_id = content_registry.content_type_of(model).pk
        # Registered models all have an author and a community (the registry's contract).
        author = content_registry.kind_of(model).author
        contents = (
            model.objects.filter(community=community, is_hidden=True)
            .select_related(author, "community")
            .order_by("-pk")[:HIDDEN_LIMIT]
        )
        for content in contents:
            hidden.append(
                {
                    "content": content,
                    "author": getattr(content, author),
                    "content_type_id": content_type_id,
                    "label": label,
                    "text": content_registry.describe(content)[1],
                }
            )
    return render(
        request,
        "communities/moderation.html",
        {
            "community": community,
            "ab": ab,
            "title": _("Modération"),
            "groups": list(groups.values()),
            "hidden": hidden,
        },
    )


@require_POST
@community_view(ability="can_moderate")
def moderate(request, community, ab, content_type_id, object_id, action):
    if action not in ("hide", "restore"):
        raise Http404
    content = _content_of(community, content_type_id, object_id)
    default = reverse("communities:moderation", args=[community.slug])
    reason = _reason(request)
    if reason is None:
        return redirect(safe_next(request, default))
    hide = action == "hide"
    run_service(
        request,
        moderation.content_set_hidden,
        content=content,
        actor=request.user,
        hidden=hide,
        reason=reason,
        success=_("Le contenu est masqué : seule l'animation le voit encore.")
        if hide
        else _("Le contenu est rétabli : les membres le voient de nouveau."),
    )
    return redirect(safe_next(request, default))


@require_POST
@community_view(ability="can_moderate")
def dismiss(request, community, ab, report_id):
    report = get_object_or_404(Report, pk=report_id, community=community)
    reason = _reason(request)
    if reason is not None:
        run_service(
            request,
            moderation.report_dismiss,
            report=report,
            actor=request.user,
            reason=reason,
            success=_("Le signalement est classé sans suite."),
        )
    return redirect("communities:moderation", community.slug)


def _describe_target(content):
    if isinstance(content, CharterVersion):
        return _("Charte, version %(n)s") % {"n": content.number}
    if content_registry.kind_of(content) is None:  # not community content: a category…
        return str(content)
    label, text = content_registry.describe(content)
    return f"{label.capitalize()} « {text} »"


def _attach_targets(entries):
    """Give each audit entry a ``target_label``, with one query per kind of target."""
    ids = defaultdict(set)
    for entry in entries:
        if entry.content_type_id and entry.object_id:
            ids[entry.content_type].add(entry.object_id)
    found = {}
    for content_type, pks in ids.items():
        model = content_type.model_class()
        if model is None:
            continue
        for pk, obj in model._base_manager.in_bulk(pks).items():
            found[(content_type.pk, pk)] = obj
    for entry in entries:
        entry.action_label = audit.label_of(entry.action)
        parts = []
        if entry.content_type_id and entry.object_id:
            obj = found.get((entry.content_type_id, entry.object_id))
            parts.append(_describe_target(obj) if obj is not None else _("contenu supprimé"))
        if entry.target_agent is not None:
            parts.append(entry.target_agent.display_name)
        entry.target_label = " — ".join(parts)


@community_view(ability="can_see_audit_log")
def audit_log(request, community, ab):
    entries = community.audit_log.select_related("actor", "target_agent", "content_type").order_by(
        "-created_at", "-pk"
    )
    page = Paginator(entries, 25).get_page(request.GET.get("page"))
    page.pages_list = page.paginator.get_elided_page_range(page.number)
    rows = list(page.object_list)
    _attach_targets(rows)
    return render(
        request,
        "communities/audit_log.html",
        {
            "community": community,
            "ab": ab,
            "title": _("Journal de modération"),
            "page_obj": page,
            "entries": rows,
        },
    )
