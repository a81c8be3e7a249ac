"""Writing in a topic: reply, edit, delete, history, react, vote « utile », mark the solution.
Every write is a POST (the pages work without JavaScript); a refusal comes back as a French
message on the page, never a 500."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forums import selectors, services
from forums.forms import PostEditForm, ReplyForm
from forums.models import Post
from forums.views.common import base_context, forum_view, post_or_404, topic_or_404
from forums.views.topics import render_topic
from maillage.http import positive_id, run_service


def _post_url(post):
    page = selectors.page_of_number(post.number)
    return f"{post.topic.get_absolute_url()}?page={page}#message-{post.number}"


@forum_view()
def reply(request, community, ab, fa, topic_id):
    topic = topic_or_404(community, fa, topic_id)
    if request.method != "POST":
        return redirect(topic.get_absolute_url() + "#repondre")
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        post, ok = run_service(
            request,
            services.post_reply,
            topic=topic,
            agent=request.user,
            body=form.cleaned_data["body"],
            attachments=form.attachments(),
        )
        if ok:
            return redirect(_post_url(post))
        # Refused: the message is on the page, the text stays in the form.
        form = ReplyForm(initial={"body": form.cleaned_data["body"]})
    last_page = selectors.page_count(topic)
    return render_topic(request, community, ab, fa, topic, page=last_page, form=form, status=400)


@forum_view()
@require_POST
def solution(request, community, ab, fa, topic_id):
    topic = topic_or_404(community, fa, topic_id)
    if request.POST.get("action") == "retirer":
        run_service(
            request,
            services.solution_unmark,
            topic=topic,
            agent=request.user,
            success=_("La question n'a plus de solution."),
        )
        return redirect(topic.get_absolute_url())
    post_id = positive_id(request.POST.get("post"))
    post = (
        Post.objects.filter(pk=post_id, topic=topic, community=community).first()
        if post_id
        else None
    )
    if post is None:
        messages.error(request, _("Choisissez une réponse de ce sujet."))
        return redirect(topic.get_absolute_url())
    post.topic = topic
    _result, ok = run_service(
        request,
        services.solution_mark,
        topic=topic,
        agent=request.user,
        post=post,
        success=_("La réponse est marquée comme solution."),
    )
    return redirect(_post_url(post) if ok else topic.get_absolute_url())


@forum_view()
def post_edit(request, community, ab, fa, post_id):
    post = post_or_404(community, fa, post_id)
    if not fa.can_edit(post):
        messages.error(request, _("Vous ne pouvez pas modifier ce message."))
        return redirect(_post_url(post))
    form = PostEditForm(request.POST or None, initial={"body": post.body})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _result, ok = run_service(
                request,
                services.post_edit,
                post=post,
                agent=request.user,
                body=form.cleaned_data["body"],
                success=_("Votre message est modifié."),
            )
            if ok:
                return redirect(_post_url(post))
        status = 400
    context = base_context(
        community, ab, fa, title=_("Modifier le message"), post=post, topic=post.topic, form=form
    )
    return render(request, "forums/post_form.html", context, status=status)


@forum_view()
def post_delete(request, community, ab, fa, post_id):
    post = post_or_404(community, fa, post_id)
    if request.method == "POST":
        run_service(
            request,
            services.post_delete,
            post=post,
            agent=request.user,
            success=_("Le message est supprimé."),
        )
        return redirect(_post_url(post))
    if not fa.can_delete(post):
        messages.error(request, _("Vous ne pouvez pas supprimer ce message."))
        return redirect(_post_url(post))
    context = base_context(
        community, ab, fa, title=_("Supprimer le message"), post=post, topic=post.topic
    )
    return render(request, "forums/post_delete.html", context)


@forum_view()
def post_history(request, community, ab, fa, post_id):
    post = post_or_404(community, fa, post_id)
    if not fa.can_see_history(post):
        messages.error(
            request,
            _("L'historique de ce message est réservé à son auteur ou autrice et à l'animation."),
        )
        return redirect(_post_url(post))
    context = base_context(
        community,
        ab,
        fa,
        title=_("Historique du message"),
        post=post,
        topic=post.topic,
        revisions=list(post.revisions.select_related("replaced_by")[:200]),
    )
    return render(request, "forums/post_history.html", context)


@forum_view()
@require_POST
def post_react(request, community, ab, fa, post_id):
    post = post_or_404(community, fa, post_id)
    run_service(
        request,
        services.post_react,
        post=post,
        agent=request.user,
        emoji=request.POST.get("emoji", "")[:32],
    )
    return redirect(_post_url(post))


@forum_view()
@require_POST
def post_vote(request, community, ab, fa, post_id):
    post = post_or_404(community, fa, post_id)
    useful = request.POST.get("utile", "1") != "0"
    run_service(
        request,
        services.post_vote,
        post=post,
        agent=request.user,
        useful=useful,
        success=_("Vote enregistré.") if useful else _("Vote retiré."),
    )
    return redirect(_post_url(post))
