"""A large document library for benchmarks: ``python -m bench.generate_documents``.

One community (its members and charter, as the forums' generator makes them) whose library has a
tree of folders in French (« Comptes rendus et actes », « Modèles et trames », « Photos de
terrain »…), one folder of 10,000 files (minutes, arrêtés, tables, photos, with their dates and
authors), files elsewhere, sub-folders, a few files in the bin, and one file, « Tableau de bord du
réseau.ods », with 200 versions and 30 comments. Most files have one version, some two to six.

The benchmark measures pages, not disks: every version points at one of a handful of small real
files stored once (a PDF, an ODT, an ODS, a PNG, a CSV, made here, in the storage every upload
uses), with their true size and SHA-256; the extracted text of each file is set as the
extraction would (none for images).

Speed: everything is planned in memory, then written once per table (``COPY`` on PostgreSQL,
``executemany`` elsewhere: ``bench.forum_generator._write``), the ids given here, versions in the
order they were uploaded.

The models' invariants hold (``check_invariants`` says which does not): a file's versions are
numbered 1..``version_count`` without gaps, its current version is the last one and its size,
type and author are that version's; a folder's ``path`` and ``depth`` follow its parent's; files
and folders are in their folder's community; the library's ``used_bytes`` is the sum of its
versions' sizes; a version's size and SHA-256 are its stored file's.

Never run under production settings (``DEMO_DATA_ALLOWED``).
"""

import hashlib
import io
import random
import secrets
import time
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Sum
from django.utils import timezone

from bench import forum_vocabulary as vocab
from bench.forum_generator import (
    _animators,
    _create_communities,
    _generated_agents,
    _moment,
    _Text,
    _write,
)
from communities.models import Community
from documents.models import (
    Document,
    DocumentComment,
    DocumentVersion,
    Folder,
    LibrarySettings,
)

DAY = 86400.0
BIG_FOLDER = "Comptes rendus et actes"
LONG_NAME = "Tableau de bord du réseau.ods"
FOLDERS = [
    "Modèles et trames", "Textes de référence", "Photos de terrain", "Réunions de réseau",
    "Formations", "Budget", "Communication", "Archives",
]  # fmt: skip
SUBFOLDERS = ["2021", "2022", "2023", "2024", "2025", "2026", "À classer", "Brouillons"]
# (name template, kind of stored file). {n} a running number, {y} a year, {d} a day.
NAMES = [
    ("Compte rendu du comité de pilotage du {d} {mois} {y} n° {n}", "odt"),
    ("Arrêté préfectoral n° {y}-{n:05d}", "pdf"),
    ("Tableau de suivi des MAPA {y} — {dep} ({n})", "ods"),
    ("Note de service {service} n° {n}", "pdf"),
    ("Photo de la visite de terrain {dep} {n:04d}", "png"),
    ("Convention de partenariat {service} {dep} {y}-{n}", "odt"),
    ("Relevé de décisions de la réunion de réseau du {d} {mois} {y} ({n})", "pdf"),
    ("Export des demandes {service} {y} n° {n}", "csv"),
    ("Courrier de réponse au recours gracieux n° {n}", "odt"),
]
COMMENTS = [
    "Merci pour le partage, je reprends la trame pour la {service} {dep}.",
    "La colonne des échéances est décalée d'un mois depuis la version précédente.",
    "Pouvez-vous ajouter l'onglet des indicateurs {n} ?",
    "Version validée en comité de pilotage de {mois}.",
    "Attention, les chiffres du {dep} sont provisoires.",
    "Je corrige les formules de l'onglet de synthèse dans la prochaine version.",
]
VERSION_COMMENTS = ["", "", "", "Mise à jour de {mois}", "Chiffres du {dep} corrigés", "Relecture"]
# How many files have 1, 2… 6 versions (in a hundred).
VERSION_WEIGHTS = (75, 15, 5, 3, 1.5, 0.5)


@dataclass(eq=False)
class _Document:
    folder: int  # the folder's index
    name: str
    kind: str
    times: list = field(default_factory=list)
    authors: list = field(default_factory=list)
    comments: list = field(default_factory=list)  # version comments
    deleted: float = None


# --- small real files -------------------------------------------------------------------------


def _pdf(text):
    """A one-page PDF showing ``text`` (ASCII), with a correct cross-reference table."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _odf(mimetype, body):
    """A minimal OpenDocument file (``mimetype`` first and stored, as the format requires)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3">'
        f"<office:body>{body}</office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
        f'manifest:media-type="{mimetype}"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _png():
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (160, 120), (0, 0, 145))
    ImageDraw.Draw(image).rectangle((20, 20, 140, 100), fill=(225, 0, 15))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


SENTENCE = "Compte rendu de la réunion du réseau : ordre du jour, relevé de décisions, suites."
STORED = {
    "pdf": ("application/pdf", lambda: _pdf("Releve de decisions du reseau"), SENTENCE),
    "odt": (
        "application/vnd.oasis.opendocument.text",
        lambda: _odf(
            "application/vnd.oasis.opendocument.text",
            f"<office:text><text:p>{SENTENCE}</text:p></office:text>",
        ),
        SENTENCE,
    ),
    "ods": (
        "application/vnd.oasis.opendocument.spreadsheet",
        lambda: _odf(
            "application/vnd.oasis.opendocument.spreadsheet",
            '<office:spreadsheet><table:table table:name="Suivi"><table:table-row>'
            "<table:table-cell><text:p>Échéance</text:p></table:table-cell>"
            "</table:table-row></table:table></office:spreadsheet>",
        ),
        "Suivi Échéance",
    ),
    "png": ("image/png", _png, ""),
    "csv": (
        "text/csv",
        lambda: "numéro;date;objet\n1;2025-03-12;Demande d'autorisation\n".encode(),
        "numéro date objet Demande d'autorisation",
    ),
}


def _store_files(community_id):
    """Each kind's stored file: ``{kind: (name in the storage, size, sha256)}``."""
    stored = {}
    for kind, (_content_type, make, _text) in STORED.items():
        data = make()
        name = default_storage.save(
            f"documents/{community_id}/{secrets.token_hex(16)}", ContentFile(data)
        )
        stored[kind] = (name, len(data), hashlib.sha256(data).hexdigest())
    return stored


# --- the plan ---------------------------------------------------------------------------------


def _name(rng, template, number):
    values = {slot: rng.choice(choices) for slot, choices in vocab.SLOTS.items()}
    values.update(y=rng.randint(2019, 2026), d=rng.randint(1, 28), n=number)
    return template.format(**values)


def _plan_folders(folders):
    """(name, parent index, created offset) of every folder: the root, the big folder, the
    others, sub-folders in some of them."""
    plan = [("", None), (BIG_FOLDER, 0)]
    plan += [(name, 0) for name in FOLDERS[: max(0, folders - 2)]]
    for parent in range(1, len(plan)):
        if len(plan) >= folders:
            break
        for name in SUBFOLDERS[: 4 if parent == 1 else 2]:
            if len(plan) >= folders:
                break
            plan.append((name, parent))
    return plan


def generate_documents(
    *,
    files=10_000,
    other_files=500,
    folders=30,
    long_versions=200,
    comments=30,
    agents=3000,
    seed=1,
    log=None,
):
    """Create a community and its library; return what was made.

    ``files`` live files in one folder, ``other_files`` spread over the other folders; one file
    of ``long_versions`` versions and ``comments`` comments (none when ``long_versions`` is 0).
    ``agents`` new agents are generated first (bench/generator.py); ``agents=0`` uses the
    generated agents already there.
    """
    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured("Generated documents are not allowed under these settings.")
    log = log or (lambda message: None)
    if min(files, other_files, long_versions, comments) < 0 or folders < 2:
        raise ValueError("Il faut au moins deux dossiers (la racine et le grand dossier).")
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not a secret
    text = _Text(rng)
    now = timezone.now()
    now_ts = now.timestamp()
    with transaction.atomic():
        agent_ids = _generated_agents(agents, seed, log)
        places, memberships = _create_communities(rng, 1, agent_ids, now)
        place = places[0]
        community = place.community
        Community.objects.filter(pk=community.pk).update(tool_documents=True, tool_wiki=True)
        uploaders = place.members[: max(3, len(place.members) // 5)]
        stored = _store_files(community.pk)

        # Folders, their ids given here so that their paths are known.
        folder_plan = _plan_folders(folders)
        folder_base = (Folder.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        created = now_ts - 3 * 365 * DAY
        paths, depths, folder_rows = [], [], []
        for index, (name, parent) in enumerate(folder_plan):
            pk = folder_base + index
            path = f"{paths[parent] if parent is not None else '/'}{pk}/"
            paths.append(path)
            depths.append(0 if parent is None else depths[parent] + 1)
            at = _moment(created + index * 3600)
            folder_rows.append(
                (
                    pk,
                    community.pk,
                    None if parent is None else folder_base + parent,
                    name,
                    path,
                    depths[-1],
                    at,
                    rng.choice(uploaders),
                    at,
                    None,
                    None,
                    None,
                )  # fmt: skip
            )
        _write(
            Folder,
            [
                "id",
                "community",
                "parent",
                "name",
                "path",
                "depth",
                "created_at",
                "created_by",
                "updated_at",
                "deleted_at",
                "deleted_by",
                "bin_root",
            ],  # fmt: skip
            folder_rows,
        )

        # Files: the big folder's (and a hundredth more in the bin), the others', the long one;
        # the running number in every name keeps them unique.
        planned = []

        def plan(folder, deleted=False, name=None, kind=None, versions=None):
            if name is None:
                template, kind = rng.choice(NAMES)
                base = _name(rng, template, len(planned) + 1)
                name = f"{base}.{kind}"
            if versions is None:
                versions = rng.choices(range(1, 7), weights=VERSION_WEIGHTS)[0]
            first = rng.uniform(created, now_ts - 2 * DAY)
            times = sorted([first, *(rng.uniform(first, now_ts - 60) for _ in range(versions - 1))])
            for n in range(1, len(times)):
                times[n] = max(times[n], times[n - 1] + 1)
            document = _Document(folder=folder, name=name, kind=kind, times=times)
            document.authors = [rng.choice(uploaders) for _ in times]
            document.comments = [
                "" if n == 0 else text._fill(rng.choice(VERSION_COMMENTS)) for n in range(versions)
            ]
            if deleted:
                document.deleted = rng.uniform(times[-1], now_ts - 30)
            planned.append(document)

        for _ in range(files):
            plan(1)
        for _ in range(files // 100 if files else 0):
            plan(1, deleted=True)
        others = list(range(2, len(folder_plan)))
        for _ in range(other_files if others else 0):
            plan(rng.choice(others))
        long_document = None
        if long_versions:
            folder = folder_plan.index(("Modèles et trames", 0)) if folders > 2 else 1
            plan(folder, name=LONG_NAME, kind="ods", versions=long_versions)
            long_document = planned[-1]
        log(f"{len(folder_plan)} folders, {len(planned)} files planned")

        # Ids: files by their first version, versions by upload time.
        planned.sort(key=lambda d: d.times[0])
        document_base = (Document.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        version_base = (DocumentVersion.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        order = sorted(
            (moment, index, number + 1)
            for index, document in enumerate(planned)
            for number, moment in enumerate(document.times)
        )
        current = {}
        used = 0
        version_rows = []
        for offset, (moment, index, number) in enumerate(order):
            document = planned[index]
            file_name, size, sha256 = stored[document.kind]
            used += size
            version_id = version_base + offset
            if number == len(document.times):
                current[index] = version_id
            version_rows.append(
                (
                    version_id,
                    document_base + index,
                    number,
                    file_name,
                    document.name,
                    size,
                    STORED[document.kind][0],
                    sha256,
                    document.authors[number - 1],
                    _moment(moment),
                    document.comments[number - 1],
                    None,
                )  # fmt: skip
            )
        written = _write(
            DocumentVersion,
            [
                "id",
                "document",
                "number",
                "file",
                "original_name",
                "size",
                "content_type",
                "sha256",
                "author",
                "created_at",
                "comment",
                "restored_from",
            ],  # fmt: skip
            version_rows,
        )
        del version_rows
        document_rows = []
        for index, document in enumerate(planned):
            content_type, _make, extracted = STORED[document.kind]
            status = Document.TextStatus.READY if extracted else Document.TextStatus.UNSUPPORTED
            deleted = _moment(document.deleted) if document.deleted else None
            document_rows.append(
                (
                    document_base + index,
                    False,
                    community.pk,
                    folder_base + document.folder,
                    document.name,
                    _moment(document.times[0]),
                    document.authors[0],
                    current[index],
                    stored[document.kind][1],
                    content_type,
                    _moment(document.times[-1]),
                    document.authors[-1],
                    len(document.times),
                    deleted,
                    document.authors[-1] if deleted else None,
                    None,
                    "",
                    f"{document.name} {extracted}" if extracted else "",
                    status,
                )  # fmt: skip
            )
        _write(
            Document,
            [
                "id",
                "is_hidden",
                "community",
                "folder",
                "name",
                "created_at",
                "created_by",
                "current_version",
                "size",
                "content_type",
                "updated_at",
                "updated_by",
                "version_count",
                "deleted_at",
                "deleted_by",
                "bin_root",
                "thumbnail",
                "text",
                "text_status",
            ],  # fmt: skip
            document_rows,
        )
        long_id = None
        comment_rows = []
        if long_document is not None:
            long_id = document_base + planned.index(long_document)
            first = long_document.times[0]
            for number in range(comments):
                at = first + (now_ts - first) * (number + 1) / (comments + 1)
                body = text._fill(rng.choice(COMMENTS))
                if rng.random() < 0.3:
                    body = f"{body} {rng.choice(text.closers)}"
                comment_rows.append(
                    (False, community.pk, rng.choice(place.members), body, _moment(at), long_id)
                )
            _write(
                DocumentComment,
                ["is_hidden", "community", "author", "body", "created_at", "document"],
                comment_rows,
            )
        LibrarySettings.objects.create(community=community, used_bytes=used)
        log(f"{len(document_rows)} files, {written} versions, {len(comment_rows)} comments")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                models = [Folder, Document, DocumentVersion]
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)

    if connection.vendor == "postgresql":
        models = [Folder, Document, DocumentVersion, DocumentComment, LibrarySettings]
        tables = [connection.ops.quote_name(model._meta.db_table) for model in models]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(tables))

    return {
        "community": community.slug,
        "community_id": community.pk,
        "memberships": memberships,
        "folders": len(folder_plan),
        "big_folder": folder_base + 1,
        "files": len(planned),
        "big_folder_files": files,
        "deleted": sum(1 for d in planned if d.deleted),
        "versions": written,
        "comments": len(comment_rows),
        "used_bytes": used,
        "long_document": long_id,
        "viewer": place.members[_animators(place)],
        "seconds": time.perf_counter() - started,
    }


def check_invariants(communities=None):
    """What breaks the library's invariants in ``communities`` (all by default): a list of
    French sentences, empty when everything holds."""
    documents = Document.objects.all()
    versions = DocumentVersion.objects.all()
    folders = Folder.objects.all()
    libraries = LibrarySettings.objects.all()
    if communities is not None:
        documents = documents.filter(community__in=communities)
        versions = versions.filter(document__community__in=communities)
        folders = folders.filter(community__in=communities)
        libraries = libraries.filter(community__in=communities)
    problems = []
    numbered = documents.annotate(
        versions_n=Count("versions"), first=Min("versions__number"), last=Max("versions__number")
    ).exclude(versions_n=F("version_count"), first=1, last=F("version_count"))
    for row in numbered.values("pk", "version_count", "versions_n", "first", "last")[:5]:
        problems.append(f"fichier {row['pk']} : versions numérotées avec des trous ({row})")
    wrong = documents.exclude(
        current_version__document=F("pk"),
        current_version__number=F("version_count"),
        current_version__size=F("size"),
        current_version__content_type=F("content_type"),
        current_version__author=F("updated_by"),
    )
    for pk in wrong.values_list("pk", flat=True)[:5]:
        problems.append(f"fichier {pk} : version actuelle, taille, type ou auteur faux")
    for pk in documents.exclude(community=F("folder__community")).values_list("pk", flat=True)[:5]:
        problems.append(f"fichier {pk} : pas dans la communauté de son dossier")
    children = folders.exclude(parent=None)
    misplaced = [
        folder.pk
        for folder in children.select_related("parent")
        if folder.path != f"{folder.parent.path}{folder.pk}/"
        or folder.depth != folder.parent.depth + 1
        or folder.community_id != folder.parent.community_id
    ]
    roots = folders.filter(parent=None)
    misplaced += [f.pk for f in roots if f.path != f"/{f.pk}/" or f.depth != 0]
    for pk in misplaced[:5]:
        problems.append(f"dossier {pk} : chemin, profondeur ou communauté faux")
    totals = dict(
        versions.values("document__community")
        .annotate(total=Sum("size"))
        .values_list("document__community", "total")
    )
    for library in libraries:
        if library.used_bytes != totals.get(library.community_id, 0):
            problems.append(
                f"bibliothèque {library.community_id} : {library.used_bytes} octets utilisés "
                f"comptés pour {totals.get(library.community_id, 0)} dans les versions"
            )
    stored = versions.values("file", "size", "sha256").distinct()
    for row in stored[:50]:
        try:
            with default_storage.open(row["file"]) as handle:
                data = handle.read()
        except FileNotFoundError:
            problems.append(f"fichier stocké {row['file']} : absent")
            continue
        if len(data) != row["size"] or hashlib.sha256(data).hexdigest() != row["sha256"]:
            problems.append(f"fichier stocké {row['file']} : taille ou empreinte fausse")
    return problems
