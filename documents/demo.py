"""The library's demo data (registered with ``maillage.demo`` at 60, after the forums): the
library of « Politique de l'eau en Bretagne » — folders and a sub-folder, a PDF, an ODT and a PNG
made by code here (no binary committed), a file with two versions and a comment, a file and a
folder in the bin — written through the services, so that every page of the library has
something to show (the walk of every page, ``tests/maillage/test_bad_input.py``, goes through
them).

Idempotent: a community whose library holds a file is left as it is.
"""

import io
import zipfile

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw

from communities.models import Community, Membership
from directory.models import Agent
from documents import services
from documents.models import Document

ANIMATOR = "animateur@demo.gouv.fr"
AGENT = "agent@demo.gouv.fr"
WATER = "politique-de-l-eau-en-bretagne"


def pdf_bytes(lines):
    """A one-page PDF showing ``lines`` (ASCII), with a correct cross-reference table."""
    text = "BT /F1 14 Tf 60 780 Td 18 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
        for line in lines
    )
    stream = text + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def odt_bytes(paragraphs):
    """A minimal OpenDocument text holding ``paragraphs``."""
    body = "".join(
        f"<text:p>{p.replace('&', '&amp;').replace('<', '&lt;')}</text:p>" for p in paragraphs
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.text",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return out.getvalue()


def png_bytes():
    """A small map-like picture: the sea, a coast and three catchment points."""
    image = Image.new("RGB", (320, 200), (204, 229, 255))
    draw = ImageDraw.Draw(image)
    draw.polygon(
        [(0, 60), (120, 40), (220, 80), (320, 50), (320, 200), (0, 200)], fill=(200, 220, 170)
    )
    for x, y in ((80, 120), (170, 140), (250, 110)):
        draw.ellipse((x - 6, y - 6, x + 6, y + 6), fill=(0, 0, 145))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _agent(email):
    return Agent.objects.filter(email=email, is_active=True).first()


def _colleague(community, *exclude):
    membership = (
        Membership.objects.filter(
            community=community,
            state=Membership.State.ACTIVE,
            role=Membership.Role.MEMBER,
            charter_accepted_id=community.current_charter_id,
        )
        .exclude(agent__in=exclude)
        .select_related("agent")
        .order_by("agent__email")
        .first()
    )
    return membership.agent if membership else None


@transaction.atomic
def load_demo_documents():
    """Write the demo library if it is missing; return how many files were written."""
    animator, agent = _agent(ANIMATOR), _agent(AGENT)
    community = Community.objects.filter(slug=WATER).first()
    if animator is None or agent is None or community is None:
        return 0
    if Document.objects.filter(community=community).exists():
        return 0
    colleague = _colleague(community, animator, agent) or animator
    root = services.library_root(community)

    def folder(name, parent=root, by=animator):
        return services.folder_create(parent=parent, agent=by, name=name)

    def upload(target, name, content, by, comment=""):
        document, _version, _created = services.document_upload(
            folder=target, agent=by, upload=ContentFile(content, name=name), comment=comment
        )
        return document

    rules = folder("Réglementation")
    minutes = folder("Comptes rendus")
    year = folder("2026", parent=minutes, by=agent)
    files = 0

    upload(
        rules,
        "Guide des forages en ZRE.pdf",
        pdf_bytes(["Guide des forages en zone de repartition des eaux", "DDTM 35 - 2026"]),
        colleague,
    )
    upload(
        rules,
        "Note de service sécheresse.odt",
        odt_bytes(["Note de service", "Procédure de publication des arrêtés sécheresse."]),
        animator,
    )
    upload(root, "Carte des captages.png", png_bytes(), agent)
    files += 3

    # A file with two versions and a comment.
    report = upload(
        year,
        "Compte rendu du comité de bassin.pdf",
        pdf_bytes(["Compte rendu du comite de bassin du 12 mars", "Version provisoire"]),
        agent,
        comment="Version provisoire",
    )
    services.version_add(
        document=report,
        agent=colleague,
        upload=ContentFile(
            pdf_bytes(["Compte rendu du comite de bassin du 12 mars", "Version validee"]),
            name="Compte rendu du comité de bassin.pdf",
        ),
        comment="Version validée par le comité",
    )
    services.comment_add(
        document=report,
        agent=animator,
        body="Merci ! La version validée remplace la provisoire ; l'ancienne reste dans "
        "l'historique.",
    )
    files += 1

    # The bin: a file deleted by the demo agent, a folder deleted by the animator.
    draft = upload(root, "Brouillon obsolète.txt", "Notes à reprendre.".encode(), agent)
    services.document_delete(document=draft, agent=agent)
    old = folder("Ancien classement")
    upload(old, "Liste des contacts 2019.csv", b"nom;service\nDupont;DDTM 29\n", animator)
    services.folder_delete(folder=old, agent=animator)
    files += 2
    return files
