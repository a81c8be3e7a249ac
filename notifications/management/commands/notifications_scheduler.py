import time

from django.core.management.base import BaseCommand

from notifications.services import digest_tick


class Command(BaseCommand):
    help = (
        "Queue the e-mail digests that are due, every --interval seconds (or once with --once). "
        "Safe to run from several machines: a digest goes out once per period."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60)
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, interval, once, **options):
        while True:
            queued = digest_tick()
            if queued or once:
                self.stdout.write(f"Résumés mis en file : {len(queued)}")
            if once:
                return
            time.sleep(interval)
