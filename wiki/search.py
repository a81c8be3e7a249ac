"""What the wiki makes searchable over everything (``search.registry``): its pages — the title,
the current revision's text, and the text of the files attached to the page (a PDF, an ODT…,
read with ``maillage.extraction`` when the page is indexed, in the background task, and kept in
the cache by the file's token), so that an agent finds a page by a word of its attached PDF.
Neither a hidden page nor a page of a wiki switched off. The keys are the community content's
(``communities.search.content_access``)."""

import logging

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache

from communities.content.models import Attachment
from communities.search import content_fields
from directory.search import AUTHOR_RELATED
from maillage import extraction
from maillage.markup import plain_text
from search import registry
from search.documents import Document
from wiki.models import Page

logger = logging.getLogger(__name__)

# The text of one attached file kept in a page's document (a page may hold several).
ATTACHMENT_MAX_CHARS = 100_000
CACHE_SECONDS = 7 * 24 * 3600


def pages():
    return Page.objects.filter(is_hidden=False, community__tool_wiki=True).select_related(
        "community", f"author__{AUTHOR_RELATED}"
    )


def attachment_text(attachment):
    """The text of an attached file ("" when it has none or cannot be read), remembered."""
    key = f"search:attachment-text:{attachment.token}"
    text = cache.get(key)
    if text is not None:
        return text
    try:
        with attachment.file.open("rb") as handle:
            result = extraction.extract_text(
                handle, name=attachment.name, max_chars=ATTACHMENT_MAX_CHARS
            )
        text = result.text
    except (FileNotFoundError, OSError, ValueError):
        logger.warning("wiki: the attached file %s is missing", attachment.pk)
        return ""
    cache.set(key, text, CACHE_SECONDS)
    return text


def page_document(page):
    attachments = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(Page), object_id=page.pk
    )
    files = [
        f"{attachment.name}\n{attachment_text(attachment)}".strip() for attachment in attachments
    ]
    return Document(
        type="wiki_page",
        id=page.pk,
        title=page.title,
        body="\n\n".join([plain_text(page.body), *files]).strip(),
        url=page.get_absolute_url(),
        date=page.updated_at,
        **content_fields(page.community, page.author),
    )


def _attached_page(attachment):
    if attachment.content_type_id != ContentType.objects.get_for_model(Page).pk:
        return []
    return [attachment.object_id]


def register():
    """Called by ``wiki.registrations.register``."""
    registry.register_type(
        "wiki_page",
        label="Page de wiki",
        plural="Pages de wiki",
        model=Page,
        queryset=pages,
        document=page_document,
        # A file attached to the page, or removed from it, changes its text.
        watch={Attachment: _attached_page},
        order=60,
        community="community_id",
    )
