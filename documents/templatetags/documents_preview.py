"""``{% document_preview document version as preview %}``: what the inline preview of a file
shows (``documents/partials/preview.html``), decided in Python: the kind of preview, the pages
of a PDF and their addresses (``documents.views.preview``)."""

from django import template
from django.urls import reverse

from documents.views.preview import PREVIEW_PAGES, pdf_page_count, preview_kind

register = template.Library()


@register.simple_tag
def document_preview(document, version=None):
    """``{"kind": "image" | "pdf" | None, "pages": [{"number", "url"}], "total": pages of the
    PDF}`` for ``version`` (default: the current one) of ``document``."""
    version = version or document.current_version
    kind = preview_kind(version)
    empty = {"kind": None, "pages": [], "total": 0}
    if kind is None:
        return empty
    base = reverse("documents:preview", args=[document.community.slug, document.pk])
    total = 1
    if kind == "pdf":
        total = pdf_page_count(version)
        if total == 0:
            return empty
    pages = [
        {"number": number, "url": f"{base}?version={version.number}&page={number}"}
        for number in range(1, min(total, PREVIEW_PAGES) + 1)
    ]
    return {"kind": kind, "pages": pages, "total": total}
