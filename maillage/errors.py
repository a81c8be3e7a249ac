"""The 500 page in the platform's layout, with a bare page to fall back on.

Django's own handler renders templates/500.html without the request, so the layout (header,
navigation, the CSP nonce of the DSFR scripts) cannot be drawn. This one renders it with the
request; if that fails in turn (the database the header reads may be what failed), it answers
templates/500_minimal.html, which needs no context, and at the very least a fixed French text.
"""

import logging

from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

LAST_RESORT = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
    "<title>Erreur inattendue — Maillage</title></head><body><main><h1>Erreur inattendue</h1>"
    "<p>Le service rencontre un problème. Réessayez dans quelques instants.</p>"
    '<p><a href="/">Retour à l\'accueil</a></p></main></body></html>'
)


@requires_csrf_token
def server_error(request):
    """handler500: templates/500.html in the layout, else the minimal page, else a fixed text."""
    try:
        return HttpResponseServerError(loader.render_to_string("500.html", request=request))
    except Exception:  # noqa: BLE001 - the error page itself must not fail
        logger.exception("The 500 page could not be drawn in the layout")
    try:
        return HttpResponseServerError(loader.render_to_string("500_minimal.html"))
    except Exception:  # noqa: BLE001
        logger.exception("The minimal 500 page could not be drawn")
    return HttpResponseServerError(LAST_RESORT)
