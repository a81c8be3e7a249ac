from django.apps import AppConfig


class SearchConfig(AppConfig):
    # The search core: the API, the backends' registry, the registry of searchable types, text
    # normalisation, the index's tables. It imports no domain app: each app registers its types
    # and the viewer's access keys (search.registry), the directory its agents' backend.
    name = "search"
    verbose_name = "Recherche"

    def ready(self):
        from django.utils.module_loading import import_string

        from search import backends

        for name, path in (
            ("database", "search.backends.database.DatabaseBackend"),
            ("opensearch", "search.backends.engine.OpenSearchBackend"),
            ("elasticsearch", "search.backends.engine.ElasticsearchBackend"),
        ):
            backends.register_documents(name, lambda path=path: import_string(path)())

        from maillage import demo as platform_demo
        from search import demo

        # After every app's demo rows: the index is built from them.
        platform_demo.register(1000, demo.index_demo, summary=demo.summary)
