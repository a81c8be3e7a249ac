from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaillageConfig(AppConfig):
    name = "maillage"
    verbose_name = "Maillage"

    def ready(self):
        from django.urls import reverse

        from maillage.registries import register_navigation

        # What the platform will offer and no app delivers yet: « bientôt disponible ». The app
        # that delivers one registers the same key and replaces the placeholder (this app is
        # installed before the others, so its registrations come first).
        for key, label, slug, order in (
            ("ideas", _("Idées"), "idees", 40),
            ("calls", _("Appels à projets"), "appels-a-projets", 50),
            ("reporting", _("Pilotage"), "pilotage", 60),
        ):
            register_navigation(
                key,
                label=label,
                url=lambda request, slug=slug: reverse("coming_soon", args=[slug]),
                order=order,
            )
