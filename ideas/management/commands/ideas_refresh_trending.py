from django.core.management.base import BaseCommand

from ideas.services import refresh_trending


class Command(BaseCommand):
    help = (
        "Recount the supports of the last 30 days of every idea that has some, so the trending "
        "sort forgets the supports that aged out (the trending list also does it for its box at "
        "most once an hour). Safe to run at any time, from a daily job."
    )

    def handle(self, *args, **options):
        count = refresh_trending()
        self.stdout.write(f"Idées recomptées : {count}")
