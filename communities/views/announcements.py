"""The community's blog: annonces of the animators and articles of the members, drafts and
publication, ratings 1 to 5, comments, and the animators' « mise en avant »."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities import blog, services
from communities.content import services as content_services
from communities.forms.content import CommentForm, PostForm
from communities.models import Announcement, AnnouncementComment
from communities.permissions import content_abilities, content_visible_to, post_abilities
from communities.views.common import community_view, run_service
from maillage.http import id_or_404

PER_PAGE = 10
KIND_FILTERS = {"annonce": _("Annonces"), "article": _("Articles")}


def _announcement_of(community, ab, pk, request):
    """The post ``pk`` of this community; 404 for another community's, for a hidden one unless
    the viewer moderates, and for someone else's draft."""
    announcement = get_object_or_404(
        Announcement.objects.select_related("author"), pk=id_or_404(pk), community=community
    )
    announcement.community = community  # spares a query in every get_absolute_url
    draft_of_another = announcement.is_draft and announcement.author_id != request.user.pk
    if draft_of_another:
        raise Http404
    if announcement.is_hidden and not ab.can_moderate:
        raise Http404
    return announcement


def _post_of(request, community, ab, pk):
    post = _announcement_of(community, ab, pk, request)
    post.ab = post_abilities(request.user, post)
    if not post.ab.can_read:
        raise Http404
    return post


def _content_types():
    return {
        "announcement_ct": ContentType.objects.get_for_model(Announcement),
        "comment_ct": ContentType.objects.get_for_model(AnnouncementComment),
    }


def _kinds_for(ab):
    kinds = []
    if ab.can_write_article:
        kinds.append(Announcement.Kind.ARTICLE)
    if ab.can_post_announcement:
        kinds.append(Announcement.Kind.ANNOUNCEMENT)
    return kinds


@community_view(tool="announcements", ability="can_read")
def announcement_list(request, community, ab):
    kind = request.GET.get("type", "")
    kind = kind if kind in KIND_FILTERS else ""
    sort = request.GET.get("tri", "date")
    sort = sort if sort in blog.SORTS else "date"
    posts = blog.posts_for(
        request.user, community, include_hidden=ab.can_moderate, kind=kind or None, sort=sort
    )
    page = Paginator(posts, PER_PAGE).get_page(request.GET.get("page"))
    page.pages_list = page.paginator.get_elided_page_range(page.number)
    return render(
        request,
        "communities/announcements.html",
        {
            "community": community,
            "ab": ab,
            "title": _("Blog et annonces"),
            "page_obj": page,
            "kind": kind,
            "sort": sort,
            "kind_filters": KIND_FILTERS.items(),
            "draft_count": blog.drafts_of(request.user, community).count()
            if ab.can_write_post
            else 0,
        },
    )


@community_view(tool="announcements", ability="can_read")
def announcement_drafts(request, community, ab):
    """« Mes brouillons »: the agent's own drafts in this community."""
    drafts = list(blog.drafts_of(request.user, community))
    for draft in drafts:
        draft.community = community
    return render(
        request,
        "communities/blog_drafts.html",
        {"community": community, "ab": ab, "title": _("Mes brouillons"), "drafts": drafts},
    )


@community_view(tool="announcements", ability="can_write_post")
def announcement_create(request, community, ab):
    kinds = _kinds_for(ab)
    # « Écrire un article » and « Nouvelle annonce » say which (``?type=``); an animator's
    # default is the annonce, as before the blog.
    default_kind = request.GET.get("type")
    if default_kind not in kinds:
        default_kind = kinds[-1]
    form = PostForm(
        request.POST or None,
        request.FILES or None,
        kinds=kinds,
        default_kind=default_kind,
        pinnable=ab.can_post_announcement,
    )
    status = 200
    if request.method == "POST":
        publish = request.POST.get("action") != "draft"
        if form.is_valid():
            data = form.cleaned_data
            post, ok = run_service(
                request,
                blog.post_create,
                community=community,
                actor=request.user,
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                pinned=data.get("pinned", False),
                attachment=data.get("attachment"),
                publish=publish,
                success=_("Le billet est publié.")
                if publish
                else _("Le brouillon est enregistré : il n'est visible que de vous."),
            )
            if ok:
                return redirect(post.get_absolute_url())
        status = 400
    return render(
        request,
        "communities/announcement_form.html",
        {"community": community, "ab": ab, "title": _("Nouveau billet"), "form": form},
        status=status,
    )


@community_view(tool="announcements", ability="can_read")
def announcement_edit(request, community, ab, pk):
    post = _post_of(request, community, ab, pk)
    if not post.ab.can_edit:
        raise Http404
    form = PostForm(
        request.POST or None,
        request.FILES or None,
        kinds=(post.kind,),
        pinnable=not post.is_article,
        attachments=content_services.attachments_of(post),
        initial={"title": post.title, "body": post.body, "pinned": post.pinned},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            _result, ok = run_service(
                request,
                blog.post_update,
                post=post,
                actor=request.user,
                title=data["title"],
                body=data["body"],
                pinned=data.get("pinned"),
                attachment=data.get("attachment"),
                remove_attachments=data.get("remove_attachments", ()),
                success=_("Le billet est modifié."),
            )
            if ok:
                if request.POST.get("action") == "publish" and post.is_draft:
                    run_service(
                        request,
                        blog.post_publish,
                        post=post,
                        actor=request.user,
                        success=_("Le billet est publié."),
                    )
                return redirect(post.get_absolute_url())
        status = 400
    return render(
        request,
        "communities/announcement_form.html",
        {
            "community": community,
            "ab": ab,
            "title": _("Modifier le billet"),
            "form": form,
            "announcement": post,
        },
        status=status,
    )


@require_POST
@community_view(tool="announcements", ability="can_read")
def announcement_publish(request, community, ab, pk):
    """Its author publishes a draft."""
    post = _post_of(request, community, ab, pk)
    run_service(
        request,
        blog.post_publish,
        post=post,
        actor=request.user,
        success=_("Le billet est publié."),
    )
    return redirect(post.get_absolute_url())


@require_POST
@community_view(tool="announcements", ability="can_read")
def announcement_unpublish(request, community, ab, pk):
    """An animator takes a published post back to its author's drafts."""
    post = _post_of(request, community, ab, pk)
    _result, ok = run_service(
        request,
        blog.post_unpublish,
        post=post,
        actor=request.user,
        success=_(
            "Le billet est dépublié : il retourne dans les brouillons de la personne qui l'a écrit."
        ),
    )
    if ok and post.author_id != request.user.pk:
        return redirect("communities:announcements", community.slug)
    return redirect(post.get_absolute_url())


@require_POST
@community_view(tool="announcements", ability="can_read")
def announcement_delete(request, community, ab, pk):
    """Its author or an animator deletes a post."""
    post = _post_of(request, community, ab, pk)
    url = post.get_absolute_url()
    _result, ok = run_service(
        request,
        blog.post_delete,
        post=post,
        actor=request.user,
        success=_("Le billet est supprimé."),
    )
    return redirect(reverse("communities:announcements", args=[community.slug]) if ok else url)


@require_POST
@community_view(tool="announcements", ability="can_read")
def announcement_feature(request, community, ab, pk):
    """An animator puts a post forward on the home (``featured=1``) or takes it off (``0``)."""
    post = _post_of(request, community, ab, pk)
    featured = request.POST.get("featured") == "1"
    run_service(
        request,
        blog.post_feature,
        post=post,
        actor=request.user,
        featured=featured,
        success=_("Le billet est mis en avant sur l'accueil de la communauté.")
        if featured
        else _("Le billet n'est plus mis en avant."),
    )
    return redirect(post.get_absolute_url())


@require_POST
@community_view(tool="announcements", ability="can_read")
def announcement_rate(request, community, ab, pk):
    """A member rates someone else's published post (1 to 5 stars), or withdraws the rating."""
    post = _post_of(request, community, ab, pk)
    withdraw = request.POST.get("withdraw") == "1"
    run_service(
        request,
        blog.post_rate,
        post=post,
        agent=request.user,
        stars=request.POST.get("stars", ""),
        withdraw=withdraw,
        success=_("Votre note est retirée.") if withdraw else _("Votre note est enregistrée."),
    )
    return redirect(post.get_absolute_url() + "#note")


@community_view(tool="announcements", ability="can_read")
def announcement_detail(request, community, ab, pk):
    announcement = _post_of(request, community, ab, pk)
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
    comments = list(comments) if not announcement.is_draft else []
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
            "post_ab": announcement.ab,
            "title": announcement.title,
            "announcement": announcement,
            "comments": comments,
            "attachments": attachments,
            "following": content_services.is_following(request.user, announcement),
            "my_rating": blog.rating_of(request.user, announcement)
            if announcement.ab.can_rate
            else 0,
            "stars": range(1, 6),
            "form": form,
            **_content_types(),
        },
        status=status,
    )


@require_POST
@community_view(tool="announcements", ability="can_read")
def announcement_follow(request, community, ab, pk):
    """Follow the comments of an announcement (``follow=1``) or stop (``follow=0``)."""
    announcement = _post_of(request, community, ab, pk)
    if announcement.is_hidden or announcement.is_draft:
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
    announcement = _post_of(request, community, ab, pk)
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
    announcement = _post_of(request, community, ab, pk)
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
