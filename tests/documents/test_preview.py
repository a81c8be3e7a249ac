"""A file's thumbnail and preview (``documents.views.preview`` and the partial on the file's
page): pictures made by the server, sent privately and inert, only to whoever may read the file,
never for another community's id, never the uploaded bytes of a disguised file."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from communities.models import Membership
from documents import services
from tests.documents.fixtures.files import HTML, image_bytes, odt_bytes, pdf_bytes
from tests.factories import AgentFactory, CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


class World:
    """A secret community with its animator and a member, each file uploaded by the member."""

    def __init__(self, capture_effects, **community):
        self.capture_effects = capture_effects
        self.community = CommunityFactory(private_secret=True, **community)
        self.animator = MembershipFactory(community=self.community, animator=True).agent
        self.member = MembershipFactory(community=self.community).agent
        self.root = services.library_root(self.community)

    def upload(self, name, data):
        with self.capture_effects():
            document, _version, _created = services.document_upload(
                folder=self.root, agent=self.member, upload=SimpleUploadedFile(name, data)
            )
        document.refresh_from_db()
        return document

    def url(self, route, document, query=""):
        return reverse(f"documents:{route}", args=[self.community.slug, document.pk]) + query


@pytest.fixture
def world(capture_effects):
    return World(capture_effects)


def webp(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP"
    return image


def assert_private_and_inert(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-cache"
    assert response["Content-Disposition"] == "inline"


def test_a_member_gets_the_thumbnail_privately_and_a_304_when_unchanged(client, world):
    """The thumbnail is a WebP sent inert and private, with an ETag that answers 304 (after the
    policy check) when the browser has it."""
    document = world.upload("rapport.pdf", pdf_bytes("Bilan"))
    client.force_login(world.member)
    response = client.get(world.url("thumbnail", document))
    assert webp(response).width == 320
    assert_private_and_inert(response)
    again = client.get(world.url("thumbnail", document), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again["Cache-Control"] == "private, no-cache"


def test_a_file_without_a_thumbnail_answers_404(client, world):
    document = world.upload("note.odt", odt_bytes("Texte"))
    client.force_login(world.member)
    assert client.get(world.url("thumbnail", document)).status_code == 404


def test_a_pdf_previews_its_first_pages_as_pictures(client, world):
    """Pages 1 to 3 of a five-page PDF render as 1,000 px WebP pictures; page 4, page 0 and
    garbage answer 404; the file's page shows the three pictures and says how many pages there
    are."""
    document = world.upload("rapport.pdf", pdf_bytes(*(f"Page {n}" for n in range(1, 6))))
    client.force_login(world.member)
    for page in (1, 2, 3):
        response = client.get(world.url("preview", document, f"?page={page}"))
        assert webp(response).width == 1000
        assert_private_and_inert(response)
    for page in ("4", "0", "-1", "abc", "9" * 30):
        assert client.get(world.url("preview", document, f"?page={page}")).status_code == 404
    page = client.get(world.url("document", document)).content.decode()
    assert "Les 3 premières pages sur 5" in page
    for number in (1, 2, 3):
        assert world.url("preview", document, f"?version=1&amp;page={number}") in page
    assert "page=4" not in page


def test_a_short_pdf_shows_every_page_and_a_page_past_its_end_is_404(client, world):
    document = world.upload("court.pdf", pdf_bytes("Un", "Deux"))
    client.force_login(world.member)
    assert client.get(world.url("preview", document, "?page=2")).status_code == 200
    assert client.get(world.url("preview", document, "?page=3")).status_code == 404
    assert "Les 2 pages, en images" in client.get(world.url("document", document)).content.decode()


def test_a_picture_previews_re_encoded_and_an_older_version_too(client, world):
    """A picture's preview is a WebP re-encoding within 1,000 px; ``?version=1`` previews the
    first version after a second one; a version that does not exist is 404."""
    document = world.upload("plan.png", image_bytes("PNG", size=(2000, 1000)))
    with world.capture_effects():
        services.version_add(
            document=document,
            agent=world.member,
            upload=SimpleUploadedFile("plan.png", image_bytes("PNG", size=(300, 600))),
        )
    client.force_login(world.member)
    assert webp(client.get(world.url("preview", document))).size == (300, 600)
    assert webp(client.get(world.url("preview", document, "?version=1"))).size == (1000, 500)
    for query in ("?version=3", "?version=x", "?page=2"):
        assert client.get(world.url("preview", document, query)).status_code == 404
    page = client.get(world.url("document", document)).content.decode()
    assert 'alt="Image « plan.png »"' in page


def test_other_types_have_no_preview(client, world):
    document = world.upload("note.odt", odt_bytes("Texte"))
    client.force_login(world.member)
    assert client.get(world.url("preview", document)).status_code == 404
    page = client.get(world.url("document", document)).content.decode()
    assert "Pas d'aperçu pour ce type de fichier" in page


def test_an_unreadable_pdf_says_its_text_was_not_read(client, world):
    """A password-protected PDF has no preview and its page says the search cannot read it."""
    document = world.upload("protege.pdf", pdf_bytes("Secret", password="motdepasse"))
    client.force_login(world.member)
    assert client.get(world.url("preview", document)).status_code == 404
    page = client.get(world.url("document", document)).content.decode()
    assert "Pas d'aperçu" in page
    assert "n'a pas pu être lu" in page


@pytest.mark.parametrize("route", ["thumbnail", "preview"])
def test_outsiders_of_a_secret_community_get_404(client, world, route):
    """An agent outside the secret community, one whose request is pending and a banned one
    get 404 for a file's pictures, as for a missing one; an anonymous visitor is sent to sign
    in."""
    document = world.upload("rapport.pdf", pdf_bytes("Secret"))
    requested = MembershipFactory(community=world.community, state=Membership.State.REQUESTED).agent
    banned = MembershipFactory(community=world.community, state=Membership.State.BANNED).agent
    for agent in (AgentFactory(), requested, banned):
        client.force_login(agent)
        assert client.get(world.url(route, document)).status_code == 404
    client.logout()
    assert client.get(world.url(route, document)).status_code == 302


@pytest.mark.parametrize("route", ["thumbnail", "preview"])
def test_a_forged_id_of_another_communitys_file_is_404(client, world, capture_effects, route):
    """A member of both communities asking for community B's file under community A's address
    gets 404: the id is checked against the community of the address."""
    other = World(capture_effects)
    document = other.upload("autre.pdf", pdf_bytes("Ailleurs"))
    MembershipFactory(community=other.community, agent=world.member)
    client.force_login(world.member)
    assert client.get(other.url(route, document)).status_code == 200
    forged = reverse(f"documents:{route}", args=[world.community.slug, document.pk])
    assert client.get(forged).status_code == 404


@pytest.mark.parametrize("route", ["thumbnail", "preview"])
def test_a_file_in_the_bin_hidden_or_with_the_tool_off_has_no_pictures(client, world, route):
    """In the bin: 404 for all; hidden by the moderation: 404 for members, shown to the
    animators; the « Documents » tool switched off: 404."""
    binned = world.upload("corbeille.pdf", pdf_bytes("Un"))
    services.document_delete(document=binned, agent=world.member)
    hidden = world.upload("masque.pdf", pdf_bytes("Deux"))
    type(hidden).objects.filter(pk=hidden.pk).update(is_hidden=True)
    client.force_login(world.member)
    assert client.get(world.url(route, binned)).status_code == 404
    assert client.get(world.url(route, hidden)).status_code == 404
    client.force_login(world.animator)
    assert client.get(world.url(route, hidden)).status_code == 200
    world.community.tool_documents = False
    world.community.save(update_fields=["tool_documents"])
    assert client.get(world.url(route, hidden)).status_code == 404


def test_html_disguised_as_a_picture_is_never_served(client, world):
    """HTML behind a PNG's first bytes (it passes the upload's signature check) and HTML in a
    text file get no thumbnail and no preview; the page is never sent back."""
    disguised = world.upload("photo.png", b"\x89PNG\r\n\x1a\n" + HTML)
    text = world.upload("page.txt", HTML)
    client.force_login(world.member)
    for document in (disguised, text):
        assert not document.thumbnail
        for route in ("thumbnail", "preview"):
            response = client.get(world.url(route, document))
            assert response.status_code == 404
            assert b"alert(document.cookie)" not in response.content
        page = client.get(world.url("document", document)).content.decode()
        assert "alert(document.cookie)" not in page
