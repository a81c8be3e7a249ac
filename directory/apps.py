from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Annuaire"

    def ready(self):
        from directory import personal_data  # noqa: F401 - registers the profile's export sections
