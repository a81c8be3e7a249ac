"""« Suivre » a wiki page (POST, a toggle): the generic following of the content contract
(``wiki.following``); back to the page it came from (``next``)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.http import run_service, safe_next
from wiki import following
from wiki.views.common import page_view


@require_POST
@page_view("signed_in")
def page_follow(request, community, ab, wa, page):
    followed, ok = run_service(request, following.toggle, agent=request.user, page=page)
    if ok:
        messages.success(
            request,
            _("Vous suivez cette page : ses modifications vous seront notifiées.")
            if followed
            else _("Vous ne suivez plus cette page."),
        )
    return redirect(safe_next(request, page.get_absolute_url()))
