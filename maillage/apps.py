from django.apps import AppConfig


class MaillageConfig(AppConfig):
    """The kernel. The navigation holds only what the installed apps registered
    (``maillage.registries.register_navigation``): no entry announces a feature still to come."""

    name = "maillage"
    verbose_name = "Maillage"
