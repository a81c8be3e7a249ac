"""The document library benchmark: a folder of 10,000 files on PostgreSQL, next to the
minimal-view baseline.

``python -m bench --only documents`` starts a throw-away PostgreSQL server (bench/postgresql.py)
and runs ``python -m bench --only documents --database postgres://…`` in a child process, which
migrates, loads the demo data, generates the library (bench/documents_generator.py: a folder of
10,000 files with their versions, other folders, a file of 200 versions and 30 comments;
``--documents-files 2000`` for a shorter run), runs VACUUM ANALYZE, then measures with Django's
test client, signed in as a member of the community: the library's root, the folder of 10,000
files (page 1 and a late page, sorted by name and by date), the file of 200 versions, and an
upload (the POST of a small PDF into the big folder, a new file each time).

The upload's background tasks (the thumbnail and the text extraction, documents-media) are
queued in the database as in production (``django_tasks_db``), not run inside the request as
the test settings' immediate backend would.
"""

import logging
import os
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from bench.documents_generator import _pdf, check_invariants, generate_documents
from bench.runner import measure
from bench.wiki import BASELINE, TARGET_MS, _get, explain_request, print_table
from documents.models import ITEMS_PER_PAGE, Document

ITERATIONS, MIN_ITERATIONS, BUDGET_SECONDS, WARMUP = 100, 15, 4.0, 3
QUEUED_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run(
    *,
    files=10_000,
    other_files=500,
    long_versions=200,
    comments=30,
    agents=3000,
    explain=False,
    seed=1,
):
    """Generate the library, measure every page; print the table and return the report."""
    logging.getLogger("django.tasks").setLevel(logging.WARNING)
    started = time.perf_counter()
    made = generate_documents(
        files=files,
        other_files=other_files,
        long_versions=long_versions,
        comments=comments,
        agents=agents,
        seed=seed,
    )
    generation = made["seconds"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    problems = check_invariants()
    print(
        f"\nBibliothèque générée en {generation:.0f} s (vérifiée et analysée en "
        f"{time.perf_counter() - started - generation:.0f} s) : {made['folders']} dossiers, "
        f"{made['files']} fichiers dont {made['big_folder_files']} dans un seul dossier, "
        f"{made['versions']} versions, {made['comments']} commentaires"
    )
    for problem in problems:
        print(f"  ! invariant : {problem}")

    from directory.models import Agent

    viewer = Agent.objects.get(pk=made["viewer"])
    client = Client()
    client.force_login(viewer)
    slug = made["community"]
    folder_url = reverse("documents:folder", args=[slug, made["big_folder"]])
    pages = -(-files // ITEMS_PER_PAGE)
    late = max(1, pages - 1)
    document = Document.objects.get(pk=made["long_document"])
    notes = []
    scenarios = [
        ("racine de la bibliothèque", _get(client, reverse("documents:index", args=[slug]))),
        (f"dossier de {files} fichiers, page 1 (par nom)", _get(client, folder_url)),
        (
            f"dossier de {files} fichiers, page {late} sur {pages} (par nom)",
            _get(client, f"{folder_url}?page={late}"),
        ),
        (f"dossier de {files} fichiers, page 1 (par date)", _get(client, f"{folder_url}?tri=date")),
        (
            f"dossier de {files} fichiers, page {late} (par date)",
            _get(client, f"{folder_url}?tri=date&page={late}"),
        ),
        (
            f"fichier de {document.version_count} versions et {made['comments']} commentaires",
            _get(client, reverse("documents:document", args=[slug, document.pk])),
        ),
        (
            "envoi d'un PDF (POST, tâches en file)",
            _upload(client, reverse("documents:upload", args=[slug, made["big_folder"]])),
        ),
    ]

    load_before = os.getloadavg()[0]
    rows = [measure(BASELINE, _get(client, "/__bench__/baseline"), iterations=200, warmup=10)]
    with override_settings(TASKS=QUEUED_TASKS):
        for name, request in scenarios:
            try:
                request()
            except AssertionError as error:
                notes.append(f"« {name} » : {error}, non mesurée")
                continue
            row = measure(
                name,
                request,
                iterations=ITERATIONS,
                warmup=WARMUP,
                budget_seconds=BUDGET_SECONDS,
                min_iterations=MIN_ITERATIONS,
            )
            rows.append(row)
            if explain and row["p95"] >= TARGET_MS and connection.vendor == "postgresql":
                explain_request(name, request)
    load = (load_before + os.getloadavg()[0]) / 2
    print_table(
        f"Documents (PostgreSQL, {made['files']} fichiers dont {files} dans un dossier, "
        f"{made['versions']} versions, en processus ; charge de la machine {load:.1f} pour "
        f"{os.cpu_count()} cœurs)",
        rows,
        f"à {files} fichiers dans un dossier",
    )
    for note in notes:
        print(f"  ! {note}")
    return {"made": made, "rows": rows, "notes": notes, "load": load, "problems": problems}


def _upload(client, url):
    """Send a small PDF under a new name each time (a new file, not a new version)."""
    counter = iter(range(1, 10**9))
    data = _pdf("Releve de decisions")

    def request():
        name = f"Relevé de décisions du comité n° {next(counter)}.pdf"
        upload = SimpleUploadedFile(name, data, content_type="application/pdf")
        response = client.post(url, {"fichiers": [upload], "commentaire": ""})
        assert response.status_code == 302, f"{url} répond {response.status_code}"

    return request
