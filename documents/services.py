"""The document library's writes: folders, uploads and versions, renames and moves, the bin, the
quota, comments.

Each service checks the policy (``documents.permissions``), raises ``DocumentError`` with a French
message when it refuses, and writes in one transaction. ``version_added`` is sent once the
transaction commits (``documents.signals``): documents-media then reads the stored file.

- The quota: ``LibrarySettings.used_bytes`` counts every version kept (the bin's too), read under
  a row lock with each upload, so two uploads at once cannot both pass a nearly full quota.
- A stored file written by a transaction that then fails is removed at once; the files of what
  the bin's emptying removes are removed once it commits.
- Restoring a version adds a new version that points at the same stored file (history is never
  rewritten; the bytes are counted again, as every version kept is).
"""

import contextlib
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Sum, Value
from django.db.models.functions import Concat, Greatest, Substr
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.content import audit
from documents import signals
from documents.models import (
    MAX_DEPTH,
    Document,
    DocumentComment,
    DocumentVersion,
    Folder,
    LibrarySettings,
)
from documents.permissions import library_abilities
from maillage import effects
from maillage.http import Refused
from maillage.text import strip_bidi
from maillage.uploads import check_file

NAME_MAX = 200
COMMENT_MAX = 5000
VERSION_COMMENT_MAX = 300
# Several files per request, but not without end.
MAX_FILES_PER_UPLOAD = 20
# The largest quota the animators may set (1 To).
QUOTA_MAX = 1024**4

# Refused whatever the platform's list says, each with the reason.
MACRO_ENABLED = {"docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppsm", "ppam", "sldm"}
EXECUTABLES = {
    "exe", "com", "bat", "cmd", "msi", "msp", "scr", "pif", "cpl", "dll", "js", "jse", "vbs",
    "vbe", "wsf", "wsh", "hta", "ps1", "psm1", "sh", "bash", "jar", "apk", "app", "dmg", "lnk",
    "reg", "inf", "msc", "py", "pl", "rb", "php", "svg", "html", "htm", "xhtml",
}  # fmt: skip

AUDIT_ACTIONS = {
    "document_deleted": gettext_lazy("Fichier de la bibliothèque supprimé par l'animation"),
    "document_folder_deleted": gettext_lazy("Dossier de la bibliothèque supprimé par l'animation"),
    "document_bin_emptied": gettext_lazy("Corbeille de la bibliothèque vidée"),
    "document_quota_set": gettext_lazy("Quota de la bibliothèque modifié"),
}


class DocumentError(Refused):
    """A refused write in a library, with its French message."""


def _check(allowed, message, code="forbidden"):
    if not allowed:
        raise DocumentError(message, code)


def _check_contribute(la):
    """The common refusals, in the order a person understands them."""
    _check(la.can_read, _("Cette bibliothèque n'est pas accessible."), "not_found")
    _check(
        not la.ab.archived, _("Cette communauté est archivée : plus rien n'y change."), "archived"
    )
    _check(
        not la.must_accept_charter,
        _("Acceptez la charte de la communauté avant d'ajouter des documents."),
        "charter",
    )
    _check(
        la.can_contribute,
        _("Seuls les membres de la communauté ajoutent des documents à la bibliothèque."),
    )


def _clean_name(name, what):
    """A name without path, bidirectional or control characters; ``what``: « Le nom du dossier »."""
    name = strip_bidi(name or "")
    name = "".join(ch for ch in name if ch.isprintable())
    name = " ".join(name.split())
    _check(bool(name), _("%(what)s est vide.") % {"what": what}, "invalid")
    _check(
        "/" not in name and "\\" not in name,
        _("%(what)s ne peut contenir ni « / » ni « \\ ».") % {"what": what},
        "invalid",
    )
    _check(
        name not in {".", ".."} and not name.startswith("."),
        _("%(what)s ne peut pas commencer par un point.") % {"what": what},
        "invalid",
    )
    _check(
        len(name) <= NAME_MAX,
        _("%(what)s tient en %(max)s caractères au plus.") % {"what": what, "max": NAME_MAX},
        "invalid",
    )
    return name


def _suffix(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


# --- the library's rows -----------------------------------------------------------------------


def library_root(community):
    """The community's root folder, made on first use."""
    root = Folder.objects.filter(community=community, parent__isnull=True).first()
    if root is not None:
        return root
    try:
        with transaction.atomic():
            root = Folder.objects.create(community=community, name="")
            root.path = f"/{root.pk}/"
            Folder.objects.filter(pk=root.pk).update(path=root.path)
    except IntegrityError:
        root = Folder.objects.get(community=community, parent__isnull=True)
    return root


def library_settings(community):
    """The community's library settings, made on first use."""
    row, _created = LibrarySettings.objects.get_or_create(community=community)
    return row


def quota_of(community):
    """``(used bytes, quota bytes)`` of the community's library."""
    row = LibrarySettings.objects.filter(community=community).first()
    if row is None:
        return 0, settings.DOCUMENTS_QUOTA_BYTES
    return row.used_bytes, row.effective_quota


def _locked_settings(community):
    library_settings(community)
    return LibrarySettings.objects.select_for_update().get(community=community)


def _add_used(community, delta):
    LibrarySettings.objects.filter(community=community).update(
        used_bytes=Greatest(F("used_bytes") + delta, 0)
    )


def _check_quota(community, size):
    row = _locked_settings(community)
    quota = row.effective_quota
    _check(
        row.used_bytes + size <= quota,
        _(
            "Le quota de la bibliothèque est atteint : %(used)s utilisés sur %(quota)s, et ce "
            "fichier pèse %(size)s. Videz la corbeille ou supprimez d'anciens fichiers."
        )
        % {
            "used": filesizeformat(row.used_bytes),
            "quota": filesizeformat(quota),
            "size": filesizeformat(size),
        },
        "quota",
    )


def _free_name(folder, name, *, model, exclude_pk=None):
    """``name``, or « name (2) », « name (3) »… (before the extension for a file) when a live
    sibling already has it."""
    siblings = model.objects.filter(deleted_at__isnull=True)
    siblings = (
        siblings.filter(folder=folder) if model is Document else siblings.filter(parent=folder)
    )
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    if not siblings.filter(name=name).exists():
        return name
    stem, dot, ext = name.rpartition(".") if model is Document and "." in name else (name, "", "")
    for n in range(2, 1000):
        candidate = f"{stem} ({n}){dot}{ext}"
        if len(candidate) <= NAME_MAX and not siblings.filter(name=candidate).exists():
            return candidate
    raise DocumentError(_("Trop de fichiers portent déjà ce nom ici."), "invalid")


def _live_folder(folder, community):
    _check(
        folder is not None and folder.community_id == community.pk and folder.deleted_at is None,
        _("Ce dossier n'existe pas ou est dans la corbeille."),
        "not_found",
    )


# --- folders ------------------------------------------------------------------------------------


def folder_create(*, parent, agent, name):
    """A new folder in ``parent``."""
    la = library_abilities(agent, parent.community)
    _check_contribute(la)
    _live_folder(parent, parent.community)
    name = _clean_name(name, _("Le nom du dossier"))
    _check(
        parent.depth + 1 <= MAX_DEPTH,
        _("Les dossiers s'imbriquent sur %(max)s niveaux au plus.") % {"max": MAX_DEPTH},
        "invalid",
    )
    _check(
        not Folder.objects.filter(parent=parent, name=name, deleted_at__isnull=True).exists(),
        _("Un dossier « %(name)s » existe déjà ici.") % {"name": name},
        "invalid",
    )
    with transaction.atomic():
        folder = Folder.objects.create(
            community=parent.community,
            parent=parent,
            name=name,
            depth=parent.depth + 1,
            created_by=agent,
        )
        folder.path = f"{parent.path}{folder.pk}/"
        Folder.objects.filter(pk=folder.pk).update(path=folder.path)
    return folder


def folder_rename(*, folder, agent, name):
    la = library_abilities(agent, folder.community)
    _check_contribute_or_moderate(la)
    _check(la.can_change_folder(folder), _("Seuls son auteur et l'animation renomment ce dossier."))
    name = _clean_name(name, _("Le nom du dossier"))
    if name == folder.name:
        return folder
    _check(
        not Folder.objects.filter(parent_id=folder.parent_id, name=name, deleted_at__isnull=True)
        .exclude(pk=folder.pk)
        .exists(),
        _("Un dossier « %(name)s » existe déjà ici.") % {"name": name},
        "invalid",
    )
    folder.name = name
    folder.updated_at = timezone.now()
    folder.save(update_fields=["name", "updated_at"])
    return folder


def _check_contribute_or_moderate(la):
    if la.can_moderate:
        return
    _check_contribute(la)


def _repath(folder, new_parent):
    """Move ``folder`` and its whole subtree under ``new_parent`` (paths and depths)."""
    old_path = folder.path
    new_path = f"{new_parent.path}{folder.pk}/"
    delta = new_parent.depth + 1 - folder.depth
    Folder.objects.filter(community=folder.community, path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + delta,
    )
    folder.path, folder.depth, folder.parent = new_path, folder.depth + delta, new_parent


def folder_move(*, folder, agent, target):
    """Move ``folder`` (with its content) into ``target``, never into itself or below."""
    la = library_abilities(agent, folder.community)
    _check_contribute_or_moderate(la)
    _check(la.can_change_folder(folder), _("Seuls son auteur et l'animation déplacent ce dossier."))
    _live_folder(target, folder.community)
    _check(
        not target.path.startswith(folder.path),
        _("Un dossier ne peut pas être déplacé dans lui-même ni dans l'un de ses sous-dossiers."),
        "invalid",
    )
    if target.pk == folder.parent_id:
        return folder
    deepest = Folder.objects.filter(
        community=folder.community, path__startswith=folder.path
    ).aggregate(m=Max("depth"))["m"]
    _check(
        (deepest or folder.depth) - folder.depth + target.depth + 1 <= MAX_DEPTH,
        _("Les dossiers s'imbriquent sur %(max)s niveaux au plus.") % {"max": MAX_DEPTH},
        "invalid",
    )
    _check(
        not Folder.objects.filter(
            parent=target, name=folder.name, deleted_at__isnull=True
        ).exists(),
        _("Un dossier « %(name)s » existe déjà dans « %(target)s ».")
        % {"name": folder.name, "target": target},
        "invalid",
    )
    with transaction.atomic():
        _repath(folder, target)
        Folder.objects.filter(pk=folder.pk).update(parent=target, updated_at=timezone.now())
    return folder


def _index_folder(folder):
    """The search over everything indexes the files below ``folder`` again once this commits
    (the bulk updates of a deletion or a restoration send no signal)."""
    from documents.search import queue_folder

    effects.on_commit(lambda: queue_folder(folder), name="search: a folder's files")


def folder_delete(*, folder, agent):
    """Send ``folder`` and everything in it to the bin."""
    la = library_abilities(agent, folder.community)
    _check_contribute_or_moderate(la)
    _check(
        la.can_change_folder(folder), _("Seuls son auteur et l'animation suppriment ce dossier.")
    )
    if not la.can_moderate:
        others = (
            Document.objects.filter(folder__path__startswith=folder.path, deleted_at__isnull=True)
            .exclude(created_by=agent)
            .exists()
            or Folder.objects.filter(path__startswith=folder.path, deleted_at__isnull=True)
            .exclude(created_by=agent)
            .exists()
        )
        _check(
            not others,
            _(
                "Ce dossier contient des fichiers ou des dossiers d'autres membres : seule "
                "l'animation peut le supprimer."
            ),
        )
    now = timezone.now()
    with transaction.atomic():
        Document.objects.filter(
            folder__path__startswith=folder.path, deleted_at__isnull=True
        ).update(deleted_at=now, deleted_by=agent, bin_root=folder)
        Folder.objects.filter(path__startswith=folder.path, deleted_at__isnull=True).exclude(
            pk=folder.pk
        ).update(deleted_at=now, deleted_by=agent, bin_root=folder)
        Folder.objects.filter(pk=folder.pk).update(deleted_at=now, deleted_by=agent, bin_root=None)
        folder.deleted_at, folder.deleted_by = now, agent
        _index_folder(folder)
        if folder.created_by_id != agent.pk:
            audit.record(
                community=folder.community,
                actor=agent,
                action="document_folder_deleted",
                target=None,
                reason=folder.name,
            )
    return folder


# --- uploads and versions ----------------------------------------------------------------------


def check_upload(upload):
    """``(name, content type)`` of a file the library accepts, else DocumentError naming why."""
    raw = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    suffix = _suffix(strip_bidi(raw))
    _check(
        suffix not in MACRO_ENABLED,
        _(
            "« %(name)s » est refusé : les fichiers bureautiques avec macros (.%(suffix)s) peuvent "
            "exécuter du code. Enregistrez-le sans macros (.docx, .xlsx, .pptx ou au format ODF)."
        )
        % {"name": strip_bidi(raw), "suffix": suffix},
        "invalid",
    )
    _check(
        suffix not in EXECUTABLES,
        _(
            "« %(name)s » est refusé : les programmes, scripts et pages web (.%(suffix)s) "
            "pourraient exécuter du code sur le poste de vos collègues."
        )
        % {"name": strip_bidi(raw), "suffix": suffix},
        "invalid",
    )
    from django.core.exceptions import ValidationError

    try:
        name, content_type = check_file(upload, max_bytes=settings.DOCUMENTS_MAX_FILE_BYTES)
    except ValidationError as error:
        raise DocumentError(
            f"« {strip_bidi(raw)[:200]} » : {error.messages[0]}", "invalid"
        ) from None
    return _clean_name(name, _("Le nom du fichier")), content_type


def _sha256(upload):
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _after_commit_version_added(document, version):
    effects.on_commit(
        lambda: signals.version_added.send(sender=Document, document=document, version=version),
        name="documents.version_added",
    )


def _store_version(
    document, agent, *, upload=None, source=None, name, content_type, comment="", stored=None
):
    """Add version N+1 to ``document`` (the row locked by the caller) and make it current."""
    number = document.version_count + 1
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=name,
        content_type=content_type,
        author=agent,
        comment=comment,
    )
    if source is not None:
        version.file.name = source.file.name
        version.size, version.sha256 = source.size, source.sha256
        version.restored_from = source.number
        version.save()
    else:
        version.size = upload.size
        version.sha256 = _sha256(upload)
        version.file.save(name, upload, save=False)
        if stored is not None:
            stored.append(version.file)
        try:
            version.save()
        except Exception:
            version.file.storage.delete(version.file.name)
            raise
    now = timezone.now()
    Document.objects.filter(pk=document.pk).update(
        current_version=version,
        size=version.size,
        content_type=version.content_type,
        updated_at=now,
        updated_by=agent,
        version_count=number,
        text="",
        text_status=Document.TextStatus.PENDING,
        thumbnail="",
    )
    document.current_version, document.size, document.content_type = (
        version,
        version.size,
        version.content_type,
    )
    document.updated_at, document.updated_by, document.version_count = now, agent, number
    old_thumbnail = document.thumbnail.name
    document.thumbnail = ""
    document.text, document.text_status = "", Document.TextStatus.PENDING
    _add_used(document.community, version.size)
    _after_commit_version_added(document, version)
    if old_thumbnail:
        storage = document.thumbnail.storage
        effects.on_commit(lambda: storage.delete(old_thumbnail), name="documents.old_thumbnail")
    return version


def _store_guarded(func):
    """Run ``func()`` in a transaction; a stored file of a failed transaction is removed."""
    stored = []
    try:
        with transaction.atomic():
            return func(stored)
    except BaseException:
        for field_file in stored:
            with contextlib.suppress(OSError):
                field_file.storage.delete(field_file.name)
        raise


def document_upload(*, folder, agent, upload, comment=""):
    """Store ``upload`` in ``folder``: a new file, or a new version of the live file of the same
    name. Returns ``(document, version, created)``."""
    community = folder.community
    la = library_abilities(agent, community)
    _check_contribute(la)
    _live_folder(folder, community)
    name, content_type = check_upload(upload)
    comment = (comment or "").strip()[:VERSION_COMMENT_MAX]

    def write(stored):
        _check_quota(community, upload.size)
        document = (
            Document.objects.select_for_update()
            .filter(folder=folder, name=name, deleted_at__isnull=True)
            .first()
        )
        created = document is None
        if created:
            document = Document.objects.create(
                community=community,
                folder=folder,
                name=name,
                created_by=agent,
                updated_by=agent,
                content_type=content_type,
            )
        else:
            _check(
                la.can_add_version(document),
                _("« %(name)s » existe déjà ici et vous ne pouvez pas le remplacer.")
                % {"name": name},
            )
        version = _store_version(
            document,
            agent,
            upload=upload,
            name=name,
            content_type=content_type,
            comment=comment,
            stored=stored,
        )
        return document, version, created

    try:
        return _store_guarded(write)
    except IntegrityError:
        raise DocumentError(
            _("« %(name)s » vient d'être ajouté par quelqu'un d'autre : réessayez.")
            % {"name": name},
            "invalid",
        ) from None


def documents_upload(*, folder, agent, uploads, comment=""):
    """Several files at once, each in its own transaction: a refused file (its French reason in
    the result) never undoes the files stored before it. Returns a list of
    ``(file name, document or None, created, error message or None)``."""
    uploads = list(uploads)
    _check(bool(uploads), _("Choisissez au moins un fichier."), "invalid")
    _check(
        len(uploads) <= MAX_FILES_PER_UPLOAD,
        _("Envoyez %(max)s fichiers au plus à la fois.") % {"max": MAX_FILES_PER_UPLOAD},
        "invalid",
    )
    results = []
    for upload in uploads:
        shown = strip_bidi((getattr(upload, "name", "") or "").rsplit("/", 1)[-1])[:NAME_MAX]
        try:
            document, _version, created = document_upload(
                folder=folder, agent=agent, upload=upload, comment=comment
            )
        except DocumentError as error:
            if error.code in {"forbidden", "charter", "archived", "not_found"}:
                raise
            results.append((shown, None, False, str(error)))
        else:
            results.append((document.name, document, created, None))
    return results


def version_add(*, document, agent, upload, comment=""):
    """« Nouvelle version »: ``upload`` becomes the file's current version (the file keeps its
    name; the version keeps the uploaded one)."""
    community = document.community
    la = library_abilities(agent, community)
    _check_contribute(la)
    _check(la.can_add_version(document), _("Ce fichier n'est pas modifiable."), "not_found")
    name, content_type = check_upload(upload)
    comment = (comment or "").strip()[:VERSION_COMMENT_MAX]

    def write(stored):
        _check_quota(community, upload.size)
        locked = Document.objects.select_for_update().get(pk=document.pk)
        _check(locked.deleted_at is None, _("Ce fichier est dans la corbeille."), "not_found")
        version = _store_version(
            locked,
            agent,
            upload=upload,
            name=name,
            content_type=content_type,
            comment=comment,
            stored=stored,
        )
        return version

    version = _store_guarded(write)
    document.refresh_from_db()
    return version


def version_restore(*, document, agent, number):
    """« Restaurer cette version »: version ``number`` becomes current again, as a new version."""
    community = document.community
    la = library_abilities(agent, community)
    _check_contribute(la)
    _check(la.can_restore_version(document), _("Ce fichier n'est pas modifiable."), "not_found")
    source = DocumentVersion.objects.filter(document=document, number=number).first()
    _check(source is not None, _("Cette version n'existe pas."), "not_found")
    _check(
        number != document.version_count,
        _("C'est déjà la version actuelle."),
        "invalid",
    )
    with transaction.atomic():
        _check_quota(community, source.size)
        locked = Document.objects.select_for_update().get(pk=document.pk)
        version = _store_version(
            locked,
            agent,
            source=source,
            name=source.original_name,
            content_type=source.content_type,
            comment=_("Restauration de la version %(number)s") % {"number": number},
        )
    document.refresh_from_db()
    return version


def document_rename(*, document, agent, name):
    """Rename a file; it keeps its extension (the type checked at upload)."""
    la = library_abilities(agent, document.community)
    _check_contribute_or_moderate(la)
    _check(
        la.can_change_document(document), _("Seuls son auteur et l'animation renomment ce fichier.")
    )
    name = _clean_name(name, _("Le nom du fichier"))
    if name == document.name:
        return document
    _check(
        _suffix(name) == document.extension,
        _("Gardez l'extension « .%(ext)s » du fichier.") % {"ext": document.extension},
        "invalid",
    )
    _check(
        not Document.objects.filter(
            folder_id=document.folder_id, name=name, deleted_at__isnull=True
        )
        .exclude(pk=document.pk)
        .exists(),
        _("Un fichier « %(name)s » existe déjà dans ce dossier.") % {"name": name},
        "invalid",
    )
    try:
        with transaction.atomic():
            Document.objects.filter(pk=document.pk).update(name=name)
    except IntegrityError:
        raise DocumentError(
            _("Un fichier « %(name)s » existe déjà dans ce dossier.") % {"name": name}, "invalid"
        ) from None
    document.name = name
    return document


def document_move(*, document, agent, target):
    la = library_abilities(agent, document.community)
    _check_contribute_or_moderate(la)
    _check(
        la.can_change_document(document), _("Seuls son auteur et l'animation déplacent ce fichier.")
    )
    _live_folder(target, document.community)
    if target.pk == document.folder_id:
        return document
    _check(
        not Document.objects.filter(folder=target, name=document.name, deleted_at__isnull=True)
        .exclude(pk=document.pk)
        .exists(),
        _("Un fichier « %(name)s » existe déjà dans « %(target)s ».")
        % {"name": document.name, "target": target},
        "invalid",
    )
    Document.objects.filter(pk=document.pk).update(folder=target)
    document.folder = target
    return document


def document_delete(*, document, agent):
    """Send a file to the bin."""
    la = library_abilities(agent, document.community)
    _check_contribute_or_moderate(la)
    _check(
        la.can_change_document(document),
        _("Seuls son auteur et l'animation suppriment ce fichier."),
    )
    now = timezone.now()
    with transaction.atomic():
        Document.objects.filter(pk=document.pk).update(
            deleted_at=now, deleted_by=agent, bin_root=None
        )
        document.deleted_at, document.deleted_by = now, agent
        if document.created_by_id != agent.pk:
            audit.record(
                community=document.community,
                actor=agent,
                action="document_deleted",
                target=document,
            )
        effects.on_commit(
            lambda: signals.document_deleted.send(sender=Document, document=document, agent=agent),
            name="documents.document_deleted",
        )
    return document


# --- the bin ----------------------------------------------------------------------------------


def _restore_target(folder, community):
    """Where a restored item goes: its folder if live, else the root."""
    if folder is not None and folder.deleted_at is None:
        return folder, False
    return library_root(community), True


def document_restore(*, document, agent):
    """Bring a file back from the bin (« (2) » added to its name if it is taken). Returns
    ``(document, note)``: a French note when it came back elsewhere or renamed."""
    community = document.community
    la = library_abilities(agent, community)
    _check_contribute_or_moderate(la)
    _check(
        la.can_restore_from_bin(document),
        _("Seuls qui l'a supprimé et l'animation restaurent ce fichier."),
    )
    target, moved = _restore_target(document.folder, community)
    with transaction.atomic():
        name = _free_name(target, document.name, model=Document, exclude_pk=document.pk)
        Document.objects.filter(pk=document.pk).update(
            deleted_at=None, deleted_by=None, bin_root=None, folder=target, name=name
        )
        effects.on_commit(
            lambda: signals.document_restored.send(sender=Document, document=document, agent=agent),
            name="documents.document_restored",
        )
    notes = []
    if moved:
        notes.append(_("son dossier étant dans la corbeille, il revient à la racine"))
    if name != document.name:
        notes.append(_("renommé « %(name)s », le nom étant pris") % {"name": name})
    document.deleted_at, document.folder, document.name = None, target, name
    return document, "; ".join(notes)


def folder_restore(*, folder, agent):
    """Bring a folder back from the bin with what its deletion took along."""
    community = folder.community
    la = library_abilities(agent, community)
    _check_contribute_or_moderate(la)
    _check(
        la.can_restore_from_bin(folder),
        _("Seuls qui l'a supprimé et l'animation restaurent ce dossier."),
    )
    target, moved = _restore_target(folder.parent, community)
    with transaction.atomic():
        name = _free_name(target, folder.name, model=Folder, exclude_pk=folder.pk)
        if moved:
            _repath(folder, target)
        Folder.objects.filter(pk=folder.pk).update(
            deleted_at=None, deleted_by=None, bin_root=None, parent=target, name=name
        )
        Folder.objects.filter(bin_root=folder).update(
            deleted_at=None, deleted_by=None, bin_root=None
        )
        Document.objects.filter(bin_root=folder).update(
            deleted_at=None, deleted_by=None, bin_root=None
        )
        _index_folder(folder)
    notes = []
    if moved:
        notes.append(_("son dossier parent étant dans la corbeille, il revient à la racine"))
    if name != folder.name:
        notes.append(_("renommé « %(name)s », le nom étant pris") % {"name": name})
    folder.deleted_at, folder.parent, folder.name = None, target, name
    return folder, "; ".join(notes)


def bin_empty(*, community, agent):
    """Remove for good everything in the community's bin; the stored files go once it commits.
    Returns the number of files removed."""
    la = library_abilities(agent, community)
    _check(la.can_empty_bin, _("Seule l'animation vide la corbeille."))
    with transaction.atomic():
        _locked_settings(community)
        documents = Document.objects.filter(community=community, deleted_at__isnull=False)
        versions = DocumentVersion.objects.filter(document__in=documents)
        freed = versions.aggregate(total=Sum("size"))["total"] or 0
        names = set(versions.values_list("file", flat=True))
        names |= {n for n in documents.values_list("thumbnail", flat=True) if n}
        ids = list(documents.values_list("pk", flat=True))
        # A restored version shares its stored file with the version it restored: a file still
        # used by a live document stays (never the case across documents today, but cheap).
        names -= set(
            DocumentVersion.objects.filter(file__in=names)
            .exclude(document__in=ids)
            .values_list("file", flat=True)
        )
        Document.objects.filter(pk__in=ids).update(current_version=None)
        DocumentVersion.objects.filter(document__in=ids).delete()
        Document.objects.filter(pk__in=ids).delete()
        Folder.objects.filter(community=community, deleted_at__isnull=False).delete()
        _add_used(community, -freed)
        audit.record(
            community=community,
            actor=agent,
            action="document_bin_emptied",
            reason=_("%(count)s fichier(s), %(size)s")
            % {"count": len(ids), "size": filesizeformat(freed)},
        )
        from django.core.files.storage import default_storage

        def remove():
            for name in names:
                with contextlib.suppress(OSError):
                    default_storage.delete(name)

        effects.on_commit(remove, name="documents.bin_files")
        effects.on_commit(
            lambda: signals.documents_purged.send(
                sender=Document, community=community, document_ids=ids
            ),
            name="documents.purged",
        )
    return len(ids)


# --- settings and comments ---------------------------------------------------------------------


def quota_set(*, community, agent, quota_bytes):
    """Set the library's quota (None: the platform's default)."""
    la = library_abilities(agent, community)
    _check(la.can_set_quota, _("Seule l'animation règle le quota de la bibliothèque."))
    if quota_bytes is not None:
        _check(
            0 < quota_bytes <= QUOTA_MAX,
            _("Le quota va de 1 octet à %(max)s.") % {"max": filesizeformat(QUOTA_MAX)},
            "invalid",
        )
    with transaction.atomic():
        row = _locked_settings(community)
        row.quota_bytes = quota_bytes
        row.save(update_fields=["quota_bytes"])
        audit.record(
            community=community,
            actor=agent,
            action="document_quota_set",
            reason=filesizeformat(row.effective_quota),
        )
    return row


def comment_add(*, document, agent, body):
    la = library_abilities(agent, document.community)
    _check_contribute(la)
    _check(la.can_comment(document), _("Ce fichier ne reçoit pas de commentaire."), "not_found")
    body = (body or "").strip()
    _check(bool(body), _("Le commentaire est vide."), "invalid")
    _check(
        len(body) <= COMMENT_MAX,
        _("Le commentaire tient en %(max)s caractères au plus.") % {"max": COMMENT_MAX},
        "invalid",
    )
    return DocumentComment.objects.create(
        community=document.community, document=document, author=agent, body=body
    )


def comment_delete(*, comment, agent):
    la = library_abilities(agent, comment.community)
    _check(
        la.can_delete_comment(comment),
        _("Seuls son auteur et l'animation suppriment ce commentaire."),
    )
    DocumentComment.objects.filter(pk=comment.pk).update(
        deleted_at=timezone.now(), deleted_by=agent
    )
    return comment
