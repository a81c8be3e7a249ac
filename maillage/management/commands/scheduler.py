import datetime
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from maillage import schedule


class Command(BaseCommand):
    help = (
        "Run the platform's periodic jobs (e-mail digests, indicator reminders, purges…) when "
        "due, checking every --interval seconds (or each job once with --once). Safe to run from "
        "several machines: each job does a thing once, whatever the restarts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=30)
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--only", action="append", default=[], help="a job's name")

    def handle(self, *args, interval, once, only, **options):
        last_runs = {}
        if only:
            unknown = set(only) - {job.name for job in schedule.jobs()}
            if unknown:
                self.stderr.write(f"Tâches inconnues : {', '.join(sorted(unknown))}")
                return
            # The jobs not asked for are treated as just run: never due within this command.
            far = timezone.now() + datetime.timedelta(days=36500)
            last_runs = {job.name: far for job in schedule.jobs() if job.name not in only}
        while True:
            results = schedule.run_due(timezone.now(), last_runs)
            for name, result in results.items():
                if result or once:
                    done = "échec" if result is None else result
                    self.stdout.write(f"{name} : {done}")
            if once:
                return
            time.sleep(interval)
