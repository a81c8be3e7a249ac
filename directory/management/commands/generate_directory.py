from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from directory.generator import generate_directory


class Command(BaseCommand):
    help = (
        "Generate a large realistic directory for benchmarks (services over every department, "
        "agents, skills, endorsements). Refused under production settings."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agents", type=int, default=20000)
        parser.add_argument(
            "--services",
            type=int,
            default=2000,
            help="Services to create; 0 adds the agents to the services already there.",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--endorsements", type=int, default=None, help="Default: 2.5 per agent."
        )
        parser.add_argument(
            "--password",
            default=None,
            help="One password for every generated agent (default: unusable passwords).",
        )

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Les données générées sont interdites avec ces réglages.")
        if options["agents"] < 0 or options["services"] < 0:
            raise CommandError("--agents and --services must be ≥ 0.")
        verbosity = options["verbosity"]
        try:
            made = generate_directory(
                agents=options["agents"],
                services=options["services"],
                seed=options["seed"],
                endorsements=options["endorsements"],
                password=options["password"],
                log=(lambda message: self.stdout.write(f"  … {message}"))
                if verbosity > 1
                else None,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Annuaire généré en {made['seconds']:.1f} s : {made['services']} services, "
            f"{made['agents']} agents, {made['tags']} étiquettes, {made['skills']} compétences "
            f"attribuées, {made['expertise']} expertises, {made['interests']} centres d'intérêt, "
            f"{made['languages']} langues, {made['endorsements']} recommandations, "
            f"{made['memberships']} adhésions."
        )
