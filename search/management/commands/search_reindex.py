"""``manage.py search_reindex``: build the whole index of the search over everything again.

The backend swaps the index at once when the new one is complete (one transaction on the
database, a new index and an alias switch on the engine): search keeps answering meanwhile. A
progress bar on stderr counts the documents and the rate.

``--if-outdated`` rebuilds only when the backend says its index needs it (none yet, or made by
an older mapping): what a deployment runs after each upgrade (docker-compose's ``search-index``).
"""

import time

from django.core.management.base import BaseCommand, CommandError

from search.backends import SearchUnavailable, document_backend
from search.indexing import BATCH, count_all, rebuild

WIDTH = 30


class Command(BaseCommand):
    help = "Reconstruit tout l’index de la recherche (tous les types de documents)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch",
            type=int,
            default=BATCH,
            help=f"Documents lus et écrits à la fois (défaut : {BATCH}).",
        )
        parser.add_argument(
            "--if-outdated",
            action="store_true",
            help="Ne reconstruire que si l’index n’existe pas encore ou date d’une version "
            "antérieure (après une mise à jour).",
        )

    def handle(self, *args, batch, if_outdated=False, **options):
        if batch < 1:
            raise CommandError("--batch : un nombre entier positif.")
        if if_outdated:
            try:
                outdated = document_backend().outdated()
            except SearchUnavailable as error:
                raise CommandError(f"L’index ne répond pas : {error}") from error
            if not outdated:
                self.stdout.write("L’index est à jour : rien à reconstruire.")
                return
        expected = count_all()
        started = time.monotonic()

        def progress(done):
            self.stderr.write(bar(done, expected, time.monotonic() - started), ending="")
            self.stderr.flush()

        try:
            done = rebuild(progress=progress, batch=batch)
        except SearchUnavailable as error:
            raise CommandError(f"L’index ne répond pas : {error}") from error
        elapsed = time.monotonic() - started
        if done:
            self.stderr.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"{done} documents indexés en {elapsed:.1f} s ({rate(done, elapsed)})."
            )
        )


def rate(done, elapsed):
    return f"{done / max(elapsed, 1e-3):,.0f} documents/s".replace(",", " ")


def bar(done, expected, elapsed):
    """``\\r[#####·····]  1 500 / 3 000 documents, 50 %, 2 400 documents/s``."""
    share = min(done / expected, 1) if expected else 1
    filled = round(share * WIDTH)
    figures = f"{done:,} / {expected:,}".replace(",", " ")
    return (
        f"\r[{'#' * filled}{'·' * (WIDTH - filled)}] {figures} documents, "
        f"{share * 100:.0f} %, {rate(done, elapsed)}"
    )
