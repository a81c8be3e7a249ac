from django.core.management.base import BaseCommand

from directory.models import Department, Ministry, Region, ServiceKind
from directory.reference_data import load_reference_data


class Command(BaseCommand):
    help = "Load or refresh regions, departments, ministries and kinds of service (idempotent)."

    def handle(self, *args, **options):
        load_reference_data()
        self.stdout.write(
            f"{Region.objects.count()} régions, {Department.objects.count()} départements, "
            f"{Ministry.objects.count()} ministères, {ServiceKind.objects.count()} types de service."
        )
