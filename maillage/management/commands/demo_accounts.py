from django.conf import settings
from django.core.management.base import BaseCommand

from maillage import demo


class Command(BaseCommand):
    help = "Print the platform's address and the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url, **options):
        # The accounts the apps registered with their demo loaders (maillage.demo).
        accounts = demo.accounts()
        width = max((len(email) for email in accounts), default=0)
        lines = [
            "",
            f"  Maillage démarre sur {url}",
            "",
            f"  Comptes de démonstration (mot de passe : {settings.DEMO_PASSWORD}) :",
            *(f"    {email:<{width}}  {role}" for email, role in accounts.items()),
            "",
        ]
        self.stdout.write("\n".join(lines))
