from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def platform(request):
    """The navigation entries and skip links every page shows."""
    path = request.path
    entries = [
        ("communities", _("Communautés"), reverse("communities:list")),
        ("directory", _("Annuaire"), reverse("directory:search")),
        ("chat", _("Messagerie"), reverse("chat:index")),
        ("ideas", _("Idées"), reverse("coming_soon", args=["idees"])),
        ("calls", _("Appels à projets"), reverse("coming_soon", args=["appels-a-projets"])),
        ("reporting", _("Pilotage"), reverse("coming_soon", args=["pilotage"])),
    ]
    return {
        "main_navigation": [
            {"key": key, "label": label, "url": url, "current": path.startswith(url)}
            for key, label, url in entries
        ],
        "skiplinks": [
            {"link": "#content", "label": _("Contenu")},
            {"link": "#header-navigation", "label": _("Menu")},
            {"link": "#footer", "label": _("Pied de page")},
        ],
    }
