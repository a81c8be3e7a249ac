from django.apps import AppConfig


class SearchConfig(AppConfig):
    # The search core: the API, the backends' registry, text normalisation. It imports no domain
    # app; the directory registers its agents' backend and keeps its own index up to date
    # (directory/apps.py).
    name = "search"
    verbose_name = "Recherche"
