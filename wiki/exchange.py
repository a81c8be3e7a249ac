"""Export a community's wiki as a ZIP of Markdown files, and import such a ZIP into a community
whose wiki is empty.

The archive:

- one Markdown file per page, named by its address (``slug.md``), in folders that follow the
  tree: the children of ``guide.md`` are in ``guide/`` (``guide/installation.md``);
- each file opens with a front matter between two ``---`` lines, one ``key: value`` a line, the
  value written as JSON (so it is also YAML): ``titre``, ``adresse``, ``type`` (``page`` or
  ``faq``), ``ordre``, ``protegee``, ``accueil``; then the body, as stored: its ``[[Titre]]``
  links are kept as they are (they name titles, not addresses, so they mean the same in the
  community that imports them);
- the files attached to a page in ``_fichiers/<adresse de la page>/<nom>``; the body's links to
  them (``/communautes/fichiers/<id>/``) become relative links (``../_fichiers/guide/plan.pdf``
  from ``guide/installation.md``) and the import turns them back into links to the re-attached
  files.

The import reads the archive through ``zipfile`` with limits checked before and while reading
(entries, declared and real sizes, so a ZIP bomb whose headers lie is cut at the limit), refuses
any name that leaves the archive's folder (``../``, an absolute path, a backslash), a page that
is not UTF-8, a page or a file too large, and anything that is not a ZIP — each with a French
message naming the file. Every imported page gets one revision of kind « import » by the
importer; the links and backlinks are rebuilt from the bodies as a save does. Nothing is
written unless the whole archive is accepted (one transaction).
"""

import io
import json
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from communities.content import services as content
from maillage.http import Refused
from wiki.models import BODY_MAX, SLUG_MAX, TITLE_MAX, Page, Revision, normalise_title

# The uploaded archive, its entries, what they hold once decompressed.
MAX_ARCHIVE_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 5_000
MAX_PAGES = 2_000
MAX_TOTAL_BYTES = 200 * 1024 * 1024
# A page's file: its body (BODY_MAX characters, up to 4 bytes each in UTF-8) and front matter.
MAX_PAGE_BYTES = BODY_MAX * 4 + 4096
# An attached file (the platform's limit on uploads, ``check_file``, applies too).
MAX_FILE_BYTES = 10 * 1024 * 1024
# Deeper trees than this are not a wiki's.
MAX_DEPTH = 20
FILES_DIR = "_fichiers"
README = "LISEZMOI.txt"
FRONT = "---"

ATTACHMENT_LINK = re.compile(r"/communautes/fichiers/(\d+)/")
# A relative link to an attached file in an archive's page: ``../`` as deep as the page, then
# ``_fichiers/<page>/<name>`` (no space, closing bracket or quote in it: the export writes names
# percent-free but safe, see ``_file_name``).
RELATIVE_FILE_LINK = re.compile(r"(?:\.\./)*" + FILES_DIR + r"/([^\s()<>\"'\]\[]+)")


class ImportRefused(Refused):
    """An archive refused, with a French message naming what is wrong."""


def _refuse(message, **values):
    raise ImportRefused(message % values if values else message, "invalid_archive")


# --- export ---------------------------------------------------------------------------------------


def _front_matter(page):
    fields = {
        "titre": page.title,
        "adresse": page.slug,
        "type": page.kind,
        "ordre": page.position,
        "protegee": page.protected,
        "accueil": page.is_home,
    }
    lines = [
        FRONT,
        *(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()),
        FRONT,
    ]
    return "\n".join(lines) + "\n"


def _file_name(name, taken):
    """A safe, unique name for an attached file inside its page's folder."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = slugify(stem) or "fichier"
    suffix = slugify(suffix)
    candidate = f"{stem}.{suffix}" if suffix else stem
    number = 2
    while candidate in taken:
        candidate = f"{stem}-{number}.{suffix}" if suffix else f"{stem}-{number}"
        number += 1
    taken.add(candidate)
    return candidate


def page_paths(pages):
    """``{page id: "a/b/c.md"}``: each page's file, in folders following the tree (a page whose
    parent is not among ``pages`` stands at the top)."""
    by_id = {page.pk: page for page in pages}
    paths = {}

    def folder_of(page, seen=()):
        parent = by_id.get(page.parent_id)
        if parent is None or parent.pk in seen or len(seen) > MAX_DEPTH:
            return ""
        return posixpath.join(folder_of(parent, (*seen, page.pk)), parent.slug)

    for page in pages:
        paths[page.pk] = posixpath.join(folder_of(page), f"{page.slug}.md")
    return paths


def export_zip(community):
    """The community's wiki as the bytes of a ZIP archive (hidden pages too: the animators'
    export is the whole wiki, as the moderation left it — their front matter does not say so,
    they come back visible)."""
    pages = list(Page.objects.filter(community=community).order_by("pk"))
    paths = page_paths(pages)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            README,
            _(
                "Wiki de la communauté « %(name)s », exporté de Maillage le %(date)s.\n\n"
                "Chaque page est un fichier Markdown ; les sous-pages d'une page sont dans le "
                "dossier qui porte son adresse. L'en-tête de chaque fichier (entre les deux "
                "lignes ---) donne son titre, son adresse, son type, son ordre et sa protection. "
                "Les fichiers joints sont dans le dossier %(files)s/.\n"
            )
            % {
                "name": community.name,
                "date": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
                "files": FILES_DIR,
            },
        )
        for page in pages:
            path = paths[page.pk]
            depth = path.count("/")
            body = page.body
            taken = set()
            links = {}
            for attachment in content.attachments_of(page):
                name = _file_name(attachment.name, taken)
                member = f"{FILES_DIR}/{page.slug}/{name}"
                with attachment.file.open("rb") as handle:
                    archive.writestr(member, handle.read())
                links[str(attachment.pk)] = "../" * depth + member
            if links:
                body = ATTACHMENT_LINK.sub(
                    lambda match, links=links: links.get(match.group(1), match.group(0)), body
                )
            archive.writestr(path, _front_matter(page) + body)
    return buffer.getvalue()


def export_filename(community):
    return f"wiki-{community.slug}-{timezone.localdate():%Y-%m-%d}.zip"


# --- reading an archive ---------------------------------------------------------------------------


@dataclass
class ImportedPage:
    path: str  # "a/b.md"
    title: str
    slug: str
    kind: str
    position: int
    protected: bool
    is_home: bool
    body: str
    parent_path: str | None = None
    files: dict = field(default_factory=dict)  # name -> bytes


def _check_name(name):
    """The entry's name, refused when it could leave the archive's folder."""
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or re.match(r"^[A-Za-z]:", name)
        or any(part in ("..", ".") for part in name.split("/"))
        or any(ord(char) < 32 for char in name)
    ):
        _refuse(
            _("L'archive contient un chemin interdit (« %(name)s ») : elle est refusée."),
            name=name[:100],
        )
    return name


def _ignored(name):
    parts = name.split("/")
    return (
        name.endswith("/")
        or name == README
        or parts[0] == "__MACOSX"
        or any(part.startswith(".") for part in parts)
    )


def _read(archive, info, limit, state):
    """The entry's bytes, read at most ``limit`` (and the archive's total) whatever its header
    says: a lying header does not get past the limits."""
    if info.file_size > limit:
        _refuse(
            _("Le fichier « %(name)s » est trop volumineux (%(max)s au plus)."),
            name=info.filename[:100],
            max=filesizeformat(limit),
        )
    chunks, size = [], 0
    with archive.open(info) as handle:
        while True:
            chunk = handle.read(64 * 1024)
            if not chunk:
                break
            size += len(chunk)
            state["total"] += len(chunk)
            if size > limit:
                _refuse(
                    _("Le fichier « %(name)s » est trop volumineux (%(max)s au plus)."),
                    name=info.filename[:100],
                    max=filesizeformat(limit),
                )
            if state["total"] > MAX_TOTAL_BYTES:
                _refuse(
                    _("L'archive décompressée dépasse %(max)s : elle est refusée."),
                    max=filesizeformat(MAX_TOTAL_BYTES),
                )
            chunks.append(chunk)
    return b"".join(chunks)


def _parse_page(path, raw):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        _refuse(
            _("La page « %(name)s » n'est pas un texte UTF-8 : enregistrez-la en UTF-8."),
            name=path[:100],
        )
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if "\x00" in text:
        _refuse(_("La page « %(name)s » contient des caractères interdits."), name=path[:100])
    meta = {}
    if text.startswith(FRONT + "\n"):
        head, separator, body = text[len(FRONT) + 1 :].partition("\n" + FRONT + "\n")
        if not separator:
            if text.rstrip("\n").endswith("\n" + FRONT):  # front matter without a body
                head, body = text[len(FRONT) + 1 :].rstrip("\n")[: -len(FRONT) - 1], ""
            else:
                _refuse(
                    _("L'en-tête de la page « %(name)s » n'est pas fermé par une ligne ---."),
                    name=path[:100],
                )
        for line in head.split("\n"):
            if not line.strip():
                continue
            key, colon, value = line.partition(":")
            if not colon:
                _refuse(
                    _("L'en-tête de la page « %(name)s » est illisible (ligne « %(line)s »)."),
                    name=path[:100],
                    line=line[:60],
                )
            value = value.strip()
            try:
                meta[key.strip()] = json.loads(value)
            except ValueError:
                meta[key.strip()] = value  # a plain YAML scalar written by hand
    else:
        body = text
    stem = posixpath.basename(path)[: -len(".md")]
    title = meta.get("titre", stem)
    if not isinstance(title, str) or not title.strip():
        _refuse(_("La page « %(name)s » n'a pas de titre."), name=path[:100])
    title = title.strip()
    if len(title) > TITLE_MAX:
        _refuse(
            _("Le titre de la page « %(name)s » dépasse %(max)s caractères."),
            name=path[:100],
            max=TITLE_MAX,
        )
    if len(body) > BODY_MAX:
        _refuse(
            _("La page « %(name)s » dépasse %(max)s caractères."), name=path[:100], max=BODY_MAX
        )
    kind = meta.get("type", Page.Kind.PAGE)
    if kind not in Page.Kind.values:
        _refuse(
            _("La page « %(name)s » a un type inconnu (« %(kind)s ») : page ou faq."),
            name=path[:100],
            kind=str(kind)[:20],
        )
    position = meta.get("ordre", 0)
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position < 2**31:
        _refuse(_("L'ordre de la page « %(name)s » n'est pas un nombre."), name=path[:100])
    slug = meta.get("adresse") if isinstance(meta.get("adresse"), str) else ""
    if slugify(slug) != slug or not slug:
        slug = slugify(stem) or slugify(title)
    folder = posixpath.dirname(path)
    return ImportedPage(
        path=path,
        title=title,
        slug=slug[:SLUG_MAX],
        kind=kind,
        position=position,
        protected=meta.get("protegee") is True,
        is_home=meta.get("accueil") is True,
        body=body,
        parent_path=f"{folder}.md" if folder else None,
    )


def read_archive(upload):
    """``[ImportedPage]`` of an uploaded archive, parents before their children, each with its
    files; ImportRefused (a French message) for anything refused."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_ARCHIVE_BYTES:
        _refuse(
            _("L'archive pèse %(size)s : la taille maximale est de %(max)s."),
            size=filesizeformat(size),
            max=filesizeformat(MAX_ARCHIVE_BYTES),
        )
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        _refuse(_("Ce fichier n'est pas une archive ZIP lisible."))
    try:
        with archive:
            return _read_entries(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError):
        # A damaged entry, an encrypted one (RuntimeError), an unknown compression.
        _refuse(_("Cette archive ZIP est endommagée ou chiffrée : elle ne peut être lue."))
    except NotImplementedError:
        _refuse(_("Cette archive ZIP utilise une compression que Maillage ne lit pas."))


def _read_entries(archive):
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        _refuse(_("L'archive contient plus de %(max)s fichiers."), max=MAX_ENTRIES)
    if sum(info.file_size for info in infos) > MAX_TOTAL_BYTES:
        _refuse(
            _("L'archive décompressée dépasse %(max)s : elle est refusée."),
            max=filesizeformat(MAX_TOTAL_BYTES),
        )
    state = {"total": 0}
    pages, files, seen = {}, {}, set()
    for info in infos:
        name = _check_name(info.filename)
        if _ignored(name):
            continue
        if name.casefold() in seen:
            _refuse(_("L'archive contient deux fois « %(name)s »."), name=name[:100])
        seen.add(name.casefold())
        if name.count("/") > MAX_DEPTH:
            _refuse(_("L'arborescence de l'archive est trop profonde."))
        parts = name.split("/")
        if parts[0] == FILES_DIR:
            if len(parts) != 3:
                _refuse(
                    _(
                        "Le fichier « %(name)s » doit être dans le dossier de sa page : "
                        "%(files)s/<adresse de la page>/<fichier>."
                    ),
                    name=name[:100],
                    files=FILES_DIR,
                )
            files[name] = _read(archive, info, MAX_FILE_BYTES, state)
        elif name.lower().endswith(".md"):
            if len(pages) >= MAX_PAGES:
                _refuse(_("L'archive contient plus de %(max)s pages."), max=MAX_PAGES)
            pages[name] = _parse_page(name, _read(archive, info, MAX_PAGE_BYTES, state))
        else:
            _refuse(
                _(
                    "Le fichier « %(name)s » n'est ni une page (.md) ni un fichier joint "
                    "(dossier %(files)s/)."
                ),
                name=name[:100],
                files=FILES_DIR,
            )
    if not pages:
        _refuse(_("L'archive ne contient aucune page (fichier .md)."))
    for page in pages.values():
        if page.parent_path is not None and page.parent_path not in pages:
            _refuse(
                _("Le dossier de la page « %(name)s » n'a pas de page « %(parent)s »."),
                name=page.path[:100],
                parent=page.parent_path[:100],
            )
    by_slug = {}
    for page in pages.values():
        by_slug.setdefault(posixpath.basename(page.path)[: -len(".md")], page)
    for name, data in files.items():
        _dir, page_name, file_name = name.split("/")
        owner = by_slug.get(page_name)
        if owner is None:
            _refuse(
                _("Le fichier « %(name)s » est rangé sous une page qui n'existe pas."),
                name=name[:100],
            )
        owner.files[file_name] = data
    titles, slugs, homes = set(), set(), 0
    for page in pages.values():
        key = normalise_title(page.title)
        if key in titles:
            _refuse(_("Deux pages de l'archive s'appellent « %(title)s »."), title=page.title)
        titles.add(key)
        if page.slug in slugs:
            page.slug = _unique_slug(page.slug, slugs)
        slugs.add(page.slug)
        homes += page.is_home
    if homes > 1:
        _refuse(_("L'archive a plusieurs pages d'accueil."))
    # Parents before children: by depth.
    return sorted(pages.values(), key=lambda page: (page.path.count("/"), page.path))


def _unique_slug(slug, taken):
    number = 2
    while f"{slug[: SLUG_MAX - 8]}-{number}" in taken:
        number += 1
    return f"{slug[: SLUG_MAX - 8]}-{number}"


# --- import ---------------------------------------------------------------------------------------


def import_zip(*, community, agent, upload):
    """Create the archive's pages in ``community``'s empty wiki, as ``agent``; the pages made.
    The caller checked that the agent may (``wiki:import``: the animators)."""
    imported = read_archive(upload)
    not_empty = _(
        "Le wiki de cette communauté n'est pas vide : l'import est réservé à un wiki vide."
    )
    try:
        with transaction.atomic():
            if Page.objects.filter(community=community).exists():
                _refuse(not_empty)
            return _create(community, agent, imported)
    except IntegrityError:
        # A page written meanwhile (another import, a page created at the same moment) took a
        # title or an address of the archive: nothing of the import is kept.
        _refuse(not_empty)


def _create(community, agent, imported):
    now = timezone.now()
    made = {}
    for item in imported:
        parent = made.get(item.parent_path)
        page = Page.objects.create(
            community=community,
            parent=parent,
            title=item.title,
            slug=item.slug,
            kind=item.kind,
            position=item.position,
            protected=item.protected,
            is_home=item.is_home,
            author=agent,
            created_at=now,
            last_number=1,
            body=item.body,
            updated_at=now,
            updated_by=agent,
        )
        made[item.path] = page
        body = _reattach(page, item, agent)
        if body != page.body:
            page.body = body
            page.save(update_fields=["body"])
        Revision.objects.create(
            page=page,
            community=community,
            number=1,
            base_number=None,
            kind=Revision.Kind.IMPORT,
            title=page.title,
            body=page.body,
            summary=_("Import d'une archive"),
            length=len(page.body),
            delta=len(page.body),
            author=agent,
            created_at=now,
        )
    pages = list(made.values())
    _rebuild_links(community, pages)
    return pages


def _reattach(page, item, agent):
    """Attach the page's files again and point its body's relative links at them."""
    urls = {}
    for name, data in item.files.items():
        upload = SimpleUploadedFile(name, data)
        try:
            attachment = content.attach(target=page, upload=upload, uploaded_by=agent)
        except Refused as error:
            _refuse(
                _("Le fichier « %(name)s » de la page « %(page)s » est refusé : %(reason)s"),
                name=name[:100],
                page=item.path[:100],
                reason=str(error),
            )
        urls[f"{posixpath.basename(item.path)[: -len('.md')]}/{name}"] = reverse(
            "communities:attachment", args=[attachment.pk]
        )
    if not urls:
        return item.body
    return RELATIVE_FILE_LINK.sub(lambda match: urls.get(match.group(1), match.group(0)), item.body)


def _rebuild_links(community, pages):
    """The ``[[links]]`` of the imported pages, as a save writes them (wiki-core's helper)."""
    from wiki import services

    for page in pages:
        services.links_rebuild(page)
