"""The document library benchmark: a folder of 10,000 files on PostgreSQL, next to the
minimal-view baseline.

``python -m bench --only documents`` starts a throw-away PostgreSQL server (bench/postgresql.py)
and runs ``python -m bench --only documents --database postgres://…`` in a child process, which
migrates, loads the demo data, generates the library (bench/documents_generator.py: a folder of
10,000 files with their versions, other folders, a file of 200 versions and 30 comments;
``--documents-files 2000`` for a shorter run), runs VACUUM ANALYZE, then measures with Django's
test client, signed in as a member of the community: the library's root, the folder of 10,000
files (page 1 and a late page, sorted by name and by date; the late page by name both by its
number, an offset, and as « Page suivante » reaches it, a keyset cursor), the file of 200
versions, and an upload (the POST of a small PDF into the big folder, a new file each time).

The upload's background tasks (the thumbnail and the text extraction, documents-media) are
queued in the database as in production (``django_tasks_db``), not run inside the request as
the test settings' immediate backend would.
"""

from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from bench.documents_generator import _pdf, check_invariants, generate_documents
from bench.scenarios import (
    generate_and_check,
    get,
    load_text,
    measure_scenarios,
    print_report,
    signed_in,
)
from documents.models import ITEMS_PER_PAGE, Document

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
    made, problems = generate_and_check(
        lambda: generate_documents(
            files=files,
            other_files=other_files,
            long_versions=long_versions,
            comments=comments,
            agents=agents,
            seed=seed,
        ),
        check_invariants,
        lambda made, checked: (
            f"\nBibliothèque générée en {made['seconds']:.0f} s (vérifiée et analysée en "
            f"{checked:.0f} s) : {made['folders']} dossiers, {made['files']} fichiers dont "
            f"{made['big_folder_files']} dans un seul dossier, {made['versions']} versions, "
            f"{made['comments']} commentaires"
        ),
    )
    client = signed_in(made["viewer"])
    slug = made["community"]
    folder_url = reverse("documents:folder", args=[slug, made["big_folder"]])
    pages = -(-files // ITEMS_PER_PAGE)
    late = max(1, pages - 1)
    document = Document.objects.get(pk=made["long_document"])
    notes = []
    scenarios = [
        ("racine de la bibliothèque", get(client, reverse("documents:index", args=[slug]))),
        (f"dossier de {files} fichiers, page 1 (par nom)", get(client, folder_url)),
        (
            f"dossier de {files} fichiers, page {late} sur {pages} (par nom)",
            get(client, f"{folder_url}?page={late}"),
        ),
        (
            f"dossier de {files} fichiers, page {late} (par nom, « Page suivante »)",
            get(client, _keyset_page_url(folder_url, made["big_folder"], late)),
        ),
        (f"dossier de {files} fichiers, page 1 (par date)", get(client, f"{folder_url}?tri=date")),
        (
            f"dossier de {files} fichiers, page {late} (par date)",
            get(client, f"{folder_url}?tri=date&page={late}"),
        ),
        (
            f"fichier de {document.version_count} versions et {made['comments']} commentaires",
            get(client, reverse("documents:document", args=[slug, document.pk])),
        ),
        (
            "envoi d'un PDF (POST, tâches en file)",
            _upload(client, reverse("documents:upload", args=[slug, made["big_folder"]])),
        ),
    ]

    # The upload's tasks are queued as in production (the baseline queues none).
    with override_settings(TASKS=QUEUED_TASKS):
        rows, load = measure_scenarios(client, scenarios, notes=notes, explain=explain)
    print_report(
        f"Documents (PostgreSQL, {made['files']} fichiers dont {files} dans un dossier, "
        f"{made['versions']} versions, {load_text(load)})",
        rows,
        f"à {files} fichiers dans un dossier",
        notes,
    )
    return {"made": made, "rows": rows, "notes": notes, "load": load, "problems": problems}


def _keyset_page_url(folder_url, folder_id, page):
    """The address of page ``page`` by name as « Page suivante » gives it: after the keyset
    cursor of the last file of the page before."""
    if page < 2:
        return f"{folder_url}?tri=nom"
    last = (
        Document.objects.filter(folder_id=folder_id, deleted_at__isnull=True)
        .order_by("name", "id")
        .values_list("name", "pk")[(page - 1) * ITEMS_PER_PAGE - 1]
    )
    cursor = quote(f"{last[0]}_{last[1]}", safe="")
    return f"{folder_url}?tri=nom&page={page}&apres={cursor}"


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
