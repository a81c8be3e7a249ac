"""Reading positions: the permalink of a post, the first unread post, « tout marquer comme lu »."""

from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forums import selectors, services
from forums.views.common import category_or_404, forum_view, post_or_404, topic_or_404
from maillage.http import positive_id, run_service, safe_next


@forum_view()
def post_permalink(request, community, ab, fa, post_id):
    """A post's lasting address: the page of its topic that shows it, at its anchor."""
    post = post_or_404(community, fa, post_id)
    page = selectors.page_of_number(post.number)
    return redirect(f"{post.topic.get_absolute_url()}?page={page}#message-{post.number}")


@forum_view()
def topic_unread(request, community, ab, fa, topic_id):
    """The first post the agent has not read (the last one when all are read)."""
    topic = topic_or_404(community, fa, topic_id)
    number = selectors.first_unread_number(request.user, topic)
    page = selectors.page_of_number(number)
    return redirect(f"{topic.get_absolute_url()}?page={page}#message-{number}")


@forum_view()
@require_POST
def mark_read(request, community, ab, fa):
    category = None
    category_id = positive_id(request.POST.get("category"))
    if request.POST.get("category"):
        category = category_or_404(community, category_id) if category_id else None
    run_service(
        request,
        services.mark_all_read,
        agent=request.user,
        community=community,
        category=category,
        success=_("Tous les sujets sont marqués comme lus."),
    )
    default = category.get_absolute_url() if category else redirect_index(community)
    return redirect(safe_next(request, default))


def redirect_index(community):
    from django.urls import reverse

    return reverse("forums:index", args=[community.slug])
