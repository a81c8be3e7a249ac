"""An idea's comments (write, edit, delete, react) and « Suivre l'idée ». Every form works
without JavaScript: a POST answers a redirect to the idea's page at the comment (its page of
comments and its anchor), or — a comment refused — a page of its own with the French message
and the text typed, kept. Every id in the address is checked against the idea and the community
of the address (another one's comment answers 404)."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ideas import comments, following
from ideas.models import IdeaComment
from ideas.views.common import attempt, base_context, idea_or_404, ideas_view
from maillage.forms import DsfrFormMixin
from maillage.http import Refused, id_or_404


class CommentForm(DsfrFormMixin, forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Votre commentaire"),
        max_length=comments.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Markdown : **gras**, *italique*, listes, liens. Mentionnez un membre de la "
            "communauté avec @Prénom Nom."
        ),
        error_messages={
            "required": gettext_lazy("Le commentaire est vide."),
            "max_length": gettext_lazy(
                "Le commentaire tient en %(limit_value)s caractères au plus (vous en avez "
                "saisi %(show_value)s)."
            ),
        },
    )


def _comment_of(community, idea, comment_id):
    """The comment ``comment_id`` of this idea of this community; 404 for any other."""
    comment = get_object_or_404(
        IdeaComment.objects.select_related("author"),
        pk=id_or_404(comment_id),
        idea=idea,
        community=community,
    )
    comment.idea, comment.community = idea, community
    return comment


def _readable_comment(community, ia, idea_id, comment_id):
    """The comment ``comment_id`` of the idea ``idea_id``, which the agent may read; 404 for any
    other."""
    idea = idea_or_404(community, ia, idea_id)
    comment = _comment_of(community, idea, comment_id)
    if not ia.can_read_comment(comment, idea):
        raise Http404
    return comment


def _comment_page(request, community, ab, ia, idea, form, *, comment=None, status=200):
    """The page of one comment's form: an edit, or a new comment refused (its text kept)."""
    return render(
        request,
        "ideas/comment_form.html",
        base_context(
            community,
            ab,
            ia,
            title=_("Modifier votre commentaire") if comment else _("Commenter l'idée"),
            idea=idea,
            comment=comment,
            form=form,
        ),
        status=status,
    )


@ideas_view()
@require_POST
def comment(request, community, ab, ia, idea_id):
    """Write a comment; refused (empty, too long, too many, not a member), its own page says why
    with the text kept."""
    idea = idea_or_404(community, ia, idea_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            new = comments.comment_create(
                idea=idea, agent=request.user, body=form.cleaned_data["body"]
            )
        except Refused as error:
            messages.error(request, str(error))
            return _comment_page(request, community, ab, ia, idea, form, status=error.status)
        messages.success(request, _("Votre commentaire est publié."))
        return redirect(comments.comment_url(new, ia))
    return _comment_page(request, community, ab, ia, idea, form, status=400)


@ideas_view()
def comment_edit(request, community, ab, ia, idea_id, comment_id):
    """Its author edits a comment (a page of its own: it works without JavaScript)."""
    idea = idea_or_404(community, ia, idea_id)
    comment = _comment_of(community, idea, comment_id)
    if not ia.can_edit_comment(comment, idea):
        raise Http404
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    form.fields["body"].label = _("Votre commentaire modifié")
    if request.method != "POST":
        return _comment_page(request, community, ab, ia, idea, form, comment=comment)
    if form.is_valid():
        _result, status = attempt(
            request,
            comments.comment_edit,
            comment=comment,
            agent=request.user,
            body=form.cleaned_data["body"],
            success=_("Votre commentaire est modifié."),
        )
        if status is None:
            return redirect(comments.comment_url(comment, ia))
    else:
        status = 400
    return _comment_page(request, community, ab, ia, idea, form, comment=comment, status=status)


@ideas_view()
@require_POST
def comment_delete(request, community, ab, ia, idea_id, comment_id):
    """Its author or the animators delete a comment; it shows as « Commentaire supprimé »."""
    comment = _readable_comment(community, ia, idea_id, comment_id)
    attempt(
        request,
        comments.comment_delete,
        comment=comment,
        agent=request.user,
        success=_("Le commentaire est supprimé."),
    )
    return redirect(comments.comment_url(comment, ia))


@ideas_view()
@require_POST
def comment_react(request, community, ab, ia, idea_id, comment_id):
    """Add or take back an emoji on a comment."""
    comment = _readable_comment(community, ia, idea_id, comment_id)
    attempt(
        request,
        comments.comment_react,
        comment=comment,
        agent=request.user,
        emoji=request.POST.get("emoji", "")[:32],
    )
    return redirect(comments.comment_url(comment, ia))


@ideas_view("signed_in")
@require_POST
def follow(request, community, ab, ia, idea_id):
    """Follow the idea (``suivre=1``) or stop (``suivre=0``; without it, the opposite of now)."""
    idea = idea_or_404(community, ia, idea_id)
    wanted = request.POST.get("suivre")
    try:
        if wanted == "1" or (wanted != "0" and not following.is_following(request.user, idea)):
            following.follow(agent=request.user, idea=idea)
            messages.success(
                request,
                _(
                    "Vous suivez cette idée : vous serez notifié de ses commentaires et de son statut."
                ),
            )
        else:
            following.unfollow(agent=request.user, idea=idea)
            messages.success(request, _("Vous ne suivez plus cette idée."))
    except Refused as error:
        messages.error(request, str(error))
    return redirect(reverse("ideas:idea", args=[community.slug, idea.pk]) + "#suivre")
