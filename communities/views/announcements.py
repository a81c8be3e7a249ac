"""The community's announcements: its collective blog, written by the animators, commented on by
the members who accepted the charter."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities import selectors, services
from communities.content import services as content_services
from communities.forms.content import AnnouncementForm, CommentForm
from communities.models import Announcement, AnnouncementComment
from communities.permissions import content_abilities, content_visible_to
from communities.views.common import community_view, run_service
from maillage.http import id_or_404

PER_PAGE = 10


def _announcement_of(community, ab, pk):
    """The announcement ``pk`` of this community; 404 for another community's, and for a hidden
    one unless the viewer moderates."""
    announcement = get_object_or_404(
        Announcement.objects.select_related("author"), pk=pk, community=community
    )
    if announcement.is_hidden and not ab.can_moderate:
        raise Http404
    announcement.community = community  # spares a query in every get_absolute_url
    return announcement


def _content_types():
    return {
        "announcement_ct": ContentType.objects.get_for_model(Announcement),
        "comment_ct": ContentType.objects.get_for_model(AnnouncementComment),
    }


@community_view(tool="announcements", ability="can_read")
def announcement_list(request, community, ab):
    announcements = selectors.announcements_for(
        request.user, community, include_hidden=ab.can_moderate
    )
    page = Paginator(announcements, PER_PAGE).get_page(request.GET.get("page"))
    page.pages_list = page.paginator.get_elided_page_range(page.number)
    return render(
        request,
        "communities/announcements.html",
        {"community": community, "ab": ab, "title": _("Annonces"), "page_obj": page},
    )


@community_view(tool="announcements", ability="can_post_announcement")
def announcement_create(request, community, ab):
    form = AnnouncementForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            announcement, ok = run_service(
                request,
                services.announcement_create,
                community=community,
                actor=request.user,
                success=_("L'annonce est publiée."),
                **form.cleaned_data,
            )
            if ok:
                return redirect(announcement.get_absolute_url())
        status = 400
    return render(
        request,
        "communities/announcement_form.html",
        {"community": community, "ab": ab, "title": _("Nouvelle annonce"), "form": form},
        status=status,
    )


@community_view(tool="announcements", ability="can_post_announcement")
def announcement_edit(request, community, ab, pk):
    announcement = _announcement_of(community, ab, pk)
    form = AnnouncementForm(
        request.POST or None,
        request.FILES or None,
        attachments=content_services.attachments_of(announcement),
        initial={
            "title": announcement.title,
            "body": announcement.body,
            "pinned": announcement.pinned,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _result, ok = run_service(
                request,
                services.announcement_update,
                announcement=announcement,
                actor=request.user,
                success=_("L'annonce est modifiée."),
                **form.cleaned_data,
            )
            if ok:
                return redirect(announcement.get_absolute_url())
        status = 400
    return render(
        request,
        "communities/announcement_form.html",
        {
            "community": community,
            "ab": ab,
            "title": _("Modifier l'annonce"),
            "form": form,
            "announcement": announcement,
        },
        status=status,
    )


@community_view(tool="announcements", ability="can_read")
def announcement_detail(request, community, ab, pk):
    announcement = _announcement_of(community, ab, pk)
    form = CommentForm()
    status = 200
    if request.method == "POST":
        # Whoever may not comment (charter not accepted, not a member, archived) is told why by
        # the service; nothing is saved.
        posted = CommentForm(request.POST)
        if posted.is_valid():
            comment, ok = run_service(
                request,
                services.comment_create,
                announcement=announcement,
                agent=request.user,
                body=posted.cleaned_data["body"],
                success=_("Votre commentaire est publié."),
            )
            if ok:
                return redirect(comment.get_absolute_url())
            if ab.can_contribute:
                form = posted  # keep what they typed
        else:
            form = posted
        status = 400

    comments = announcement.comments.select_related("author")
    attachments = content_services.attachments_of(announcement)
    if ab.can_moderate:
        # The animators read what was edited or deleted (as in the chat).
        comments = comments.prefetch_related("revisions")
    else:
        comments = content_visible_to(request.user, comments)
    comments = list(comments)
    for comment in comments:
        comment.announcement, comment.community = announcement, community
        comment_ab = content_abilities(request.user, comment)
        comment.can_edit, comment.can_delete = comment_ab.can_edit, comment_ab.can_delete
    return render(
        request,
        "communities/announcement_detail.html",
        {
            "community": community,
            "ab": ab,
            "title": announcement.title,
            "announcement": announcement,
            "comments": comments,
            "attachments": attachments,
            "following": content_services.is_following(request.user, announcement),
            "form": form,
            **_content_types(),
        },
        status=status,
    )


@require_POST
@community_view(tool="announcements", ability="can_read")
def announcement_follow(request, community, ab, pk):
    """Follow the comments of an announcement (``follow=1``) or stop (``follow=0``)."""
    announcement = _announcement_of(community, ab, pk)
    if announcement.is_hidden:
        raise Http404
    if request.POST.get("follow") == "1":
        content_services.follow(agent=request.user, target=announcement)
        messages.success(request, _("Vous serez notifié des commentaires sur cette annonce."))
    else:
        content_services.unfollow(agent=request.user, target=announcement)
        messages.success(request, _("Vous ne suivez plus les commentaires de cette annonce."))
    return redirect(announcement.get_absolute_url())


def _comment_of(community, announcement, comment_id):
    """The comment ``comment_id`` of this announcement of this community; 404 for any other
    (a forged id of another community's comment included)."""
    comment = get_object_or_404(
        AnnouncementComment.objects.select_related("author"),
        pk=id_or_404(comment_id),
        announcement=announcement,
        community=community,
    )
    comment.announcement, comment.community = announcement, community
    return comment


@community_view(tool="announcements", ability="can_read")
def comment_edit(request, community, ab, pk, comment_id):
    """Its author edits a comment (a page of its own: it works without JavaScript)."""
    announcement = _announcement_of(community, ab, pk)
    comment = _comment_of(community, announcement, comment_id)
    if not content_abilities(request.user, comment).can_edit:
        raise Http404
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    form.fields["body"].label = _("Votre commentaire modifié")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _result, ok = run_service(
                request,
                services.comment_edit,
                comment=comment,
                agent=request.user,
                body=form.cleaned_data["body"],
                success=_("Votre commentaire est modifié."),
            )
            if ok:
                return redirect(comment.get_absolute_url())
        status = 400
    return render(
        request,
        "communities/comment_form.html",
        {
            "community": community,
            "ab": ab,
            "title": _("Modifier le commentaire"),
            "announcement": announcement,
            "comment": comment,
            "form": form,
        },
        status=status,
    )


@require_POST
@community_view(tool="announcements", ability="can_read")
def comment_delete(request, community, ab, pk, comment_id):
    """Its author or the animators delete a comment; it then shows as « Commentaire supprimé »."""
    announcement = _announcement_of(community, ab, pk)
    comment = _comment_of(community, announcement, comment_id)
    if not content_abilities(request.user, comment).can_read:
        raise Http404
    run_service(
        request,
        services.comment_delete,
        comment=comment,
        agent=request.user,
        success=_("Le commentaire est supprimé."),
    )
    return redirect(comment.get_absolute_url())
