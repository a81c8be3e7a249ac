"""Everything the documents app registers with the platform's floor, called once from
``DocumentsConfig``."""

from django.utils.translation import gettext_lazy as _


def _register_policy():
    from documents.models import Document, DocumentComment, DocumentVersion, Folder
    from documents.permissions import (
        comments_readable_by,
        documents_readable_by,
        folders_readable_by,
        object_abilities,
        versions_readable_by,
    )
    from maillage import policy

    policy.register(Folder, abilities=object_abilities, readable=folders_readable_by)
    policy.register(Document, abilities=object_abilities, readable=documents_readable_by)
    policy.register(DocumentVersion, abilities=object_abilities, readable=versions_readable_by)
    policy.register(DocumentComment, abilities=object_abilities, readable=comments_readable_by)


def _register_content():
    from communities.content import audit, register_content
    from documents.media import searchable_text
    from documents.models import Document, DocumentComment
    from documents.services import AUDIT_ACTIONS
    from maillage.markup import plain_text

    register_content(
        Document,
        label=_("document"),
        text=searchable_text,
        children=lambda document: [document.comments.all()],
        tool="documents",
        author="created_by",
    )
    register_content(
        DocumentComment,
        label=_("commentaire de document"),
        text=lambda comment: plain_text(comment.body, 120) or "(commentaire supprimé)",
        tool="documents",
    )
    for code, label in AUDIT_ACTIONS.items():
        audit.register_action(code, label)


def register():
    from documents import media

    _register_policy()
    _register_content()
    media.connect()
    from documents import search

    search.register()
    from documents import pages

    pages.register()
    from documents import personal_data
    from documents.demo import load_demo_documents
    from maillage import demo

    personal_data.register()
    demo.register(60, load_demo_documents)
