from django.utils.translation import gettext_lazy as _

from maillage.registries import navigation_for


def platform(request):
    """The navigation entries (registered by the apps: ``maillage.registries``) and the skip
    links every page shows."""
    return {
        "main_navigation": navigation_for(request),
        "skiplinks": [
            {"link": "#content", "label": _("Contenu")},
            {"link": "#header-navigation", "label": _("Menu")},
            {"link": "#footer", "label": _("Pied de page")},
        ],
    }
