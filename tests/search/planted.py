"""One object of every type the search over everything indexes, planted in a community with a word
of the test's (``plant``), and a direct conversation holding it too (``plant_direct``). The type
tests, the permission matrix and the secret-leak canary share them."""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify

from chat.models import Message, Participant, Room
from chat.services import room_for_community
from communities.content import services as content_services
from communities.models import Community
from documents.models import Document
from documents.services import library_root
from forums.models import Category, Post, Topic
from ideas.models import Idea
from tests.documents.fixtures.files import pdf_bytes
from tests.factories import AgentFactory, AnnouncementFactory, MembershipFactory
from wiki.models import Page

# Every type a community holds (the agents and the community's card aside).
CONTENT_TYPES = (
    "announcement",
    "forum_topic",
    "forum_reply",
    "wiki_page",
    "document",
    "idea",
    "chat_message",
)


@dataclass
class Planted:
    community: Community
    author: object
    announcement: object
    topic: object
    opening: object
    reply: object
    page: object
    document: object
    idea: object
    message: object

    def objects(self):
        """``{type name: object}`` of every content type planted."""
        return {
            "announcement": self.announcement,
            "forum_topic": self.topic,
            "forum_reply": self.reply,
            "wiki_page": self.page,
            "document": self.document,
            "idea": self.idea,
            "chat_message": self.message,
        }


def plant(community, word, *, author=None, attachment_word=None):
    """One object of each content type in ``community``, each holding ``word`` in its text (the
    wiki page also in an attached PDF when ``attachment_word`` is given). The author is an
    active member."""
    if author is None:
        author = MembershipFactory(community=community, agent=AgentFactory()).agent
    announcement = AnnouncementFactory(
        community=community, author=author, title=f"Annonce {word}", body=f"Le texte {word}."
    )
    category = Category.objects.create(community=community, name="Général")
    topic = Topic.objects.create(
        community=community, category=category, author=author, title=f"Sujet {word}"
    )
    opening = Post.objects.create(
        community=community, topic=topic, number=1, author=author, body=f"Ouverture {word}."
    )
    reply = Post.objects.create(
        community=community, topic=topic, number=2, author=author, body=f"Réponse {word}."
    )
    page = Page.objects.create(
        community=community,
        title=f"Page {word}",
        slug=slugify(f"page-{word}"),
        author=author,
        body=f"Le contenu **{word}** de la page.",
    )
    if attachment_word:
        content_services.attach(
            target=page,
            upload=SimpleUploadedFile(
                "note.pdf", pdf_bytes(f"Annexe {attachment_word}"), "application/pdf"
            ),
            uploaded_by=author,
        )
        page.save()  # as the services do after an attachment (its text is indexed)
    document = Document.objects.create(
        community=community,
        folder=library_root(community),
        name=f"Fichier-{word}.pdf",
        created_by=author,
        text=f"Le texte extrait {word}.",
        text_status=Document.TextStatus.READY,
    )
    idea = Idea.objects.create(
        community=community, author=author, title=f"Idée {word}", body=f"Décrite {word}."
    )
    room = room_for_community(community)
    message = Message.objects.create(
        room=room,
        community=community,
        author=author,
        client_id=f"c-{word}",
        body=f"Message {word}",
        created_at=timezone.now(),
    )
    return Planted(
        community, author, announcement, topic, opening, reply, page, document, idea, message
    )


def plant_direct(first, second, word):
    """A direct conversation between ``first`` and ``second`` holding a message with ``word``."""
    low, high = sorted([first.pk, second.pk])
    room = Room.objects.create(kind=Room.Kind.DIRECT, direct_key=f"{low}-{high}")
    Participant.objects.create(room=room, agent=first, added_by=first)
    Participant.objects.create(room=room, agent=second, added_by=first)
    return Message.objects.create(
        room=room, author=first, client_id=f"d-{word}", body=f"Entre nous {word}"
    )


# The backends the leak and matrix tests run on: the database's, and a real OpenSearch node.
BACKENDS = ["database", pytest.param("opensearch", marks=pytest.mark.integration)]


def search_backend(request, settings):
    """The backend named by the test's parameter (``BACKENDS``; the database's without one),
    made the configured one and emptied."""
    from search import backends

    name = getattr(request, "param", "database")
    settings.SEARCH_ENGINE = name
    if name == "opensearch":
        settings.SEARCH_ENGINE_URL = request.getfixturevalue("opensearch_url")
        settings.SEARCH_INDEX = "maillage-test-everything"
        settings.SEARCH_REFRESH = True
    backends._document_backend.cache_clear()
    request.addfinalizer(backends._document_backend.cache_clear)
    backend = backends.document_backend()
    backend.clear()
    return backend
