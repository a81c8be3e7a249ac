"""« Suivre » a topic or a category (POST, a toggle): the generic following of the content
contract (``forums.following``); back to the page it came from (``next``)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forums import following
from forums.views.common import category_or_404, forum_view, topic_or_404
from maillage.http import run_service, safe_next


@require_POST
@forum_view("signed_in")
def topic_follow(request, community, ab, fa, topic_id):
    topic = topic_or_404(community, fa, topic_id)
    followed, ok = run_service(request, following.toggle, agent=request.user, target=topic)
    if ok:
        messages.success(
            request,
            _("Vous suivez ce sujet : ses nouvelles réponses vous seront notifiées.")
            if followed
            else _("Vous ne suivez plus ce sujet."),
        )
    return redirect(safe_next(request, topic.get_absolute_url()))


@require_POST
@forum_view("signed_in")
def category_follow(request, community, ab, fa, category_id):
    category = category_or_404(community, category_id)
    followed, ok = run_service(request, following.toggle, agent=request.user, target=category)
    if ok:
        messages.success(
            request,
            _("Vous suivez cette catégorie : ses nouveaux sujets vous seront notifiés.")
            if followed
            else _("Vous ne suivez plus cette catégorie."),
        )
    return redirect(safe_next(request, category.get_absolute_url()))
