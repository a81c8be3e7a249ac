from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Recherche"

    def ready(self):
        from directory.search_index import keep_search_text, save_search_text

        # The database backend's text follows every save of an agent's row.
        pre_save.connect(keep_search_text, sender="directory.Agent", dispatch_uid="search_text")
        post_save.connect(save_search_text, sender="directory.Agent", dispatch_uid="search_text")
