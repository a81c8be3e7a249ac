"""A unique word planted in every kind of content of a secret community must not reach an
outsider through any page, list, feed or export that exists, nor a member banned after being
notified through their notifications (the centre, the bell, ``/notifications/<id>/``)."""

import io
import zipfile

import pytest
from django.urls import reverse

from communities import services
from communities.content import moderation
from communities.models import Community, Membership
from directory.models import Agent
from notifications.models import Notification
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

WORD = "Zorglubesque"


@pytest.fixture
def secret_world():
    return _build_secret_world()


def _build_secret_world():
    admin = AgentFactory(platform_admin=True, email="root@sgar.gouv.fr")
    animator = AgentFactory(email="anim@dreal.gouv.fr")
    member = AgentFactory(email="membre@ddtm.gouv.fr")
    community = services.community_create(
        actor=admin,
        animators=[animator],
        name=f"Cellule {WORD}",
        description=f"Description {WORD}",
        objective=f"Objectif {WORD}",
        kind=Community.Kind.POLICY,
        visibility=Community.Visibility.PRIVATE_SECRET,
        scope=Community.Scope.NATIONAL,
    )
    services.charter_publish(community=community, actor=animator, text=f"Charte {WORD}")
    services.invite(community=community, actor=animator, agent=member)
    services.invitation_answer(community=community, agent=member, accept=True)
    services.charter_accept(
        community=community, agent=member, version_id=community.current_charter_id
    )
    announcement = services.announcement_create(
        community=community,
        actor=animator,
        title=f"Annonce {WORD}",
        body=f"Texte {WORD}",
        pinned=True,
    )
    member = Agent.objects.get(pk=member.pk)
    comment = services.comment_create(announcement=announcement, agent=member, body=f"Avis {WORD}")
    moderation.report_create(agent=member, content=comment, reason=f"Motif {WORD}")
    from forums import services as forum_services

    forum_category = forum_services.category_create(
        community=community,
        actor=animator,
        name=f"Catégorie {WORD}",
        description=f"Description {WORD}",
    )
    topic = forum_services.topic_create(
        category=forum_category, agent=member, title=f"Sujet {WORD}", body=f"Question {WORD}"
    )
    forum_post = forum_services.post_reply(topic=topic, agent=member, body=f"Réponse {WORD}")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents import services as document_services
    from documents.tasks import process_version
    from tests.documents.fixtures.files import pdf_bytes

    folder = document_services.folder_create(
        parent=document_services.library_root(community), agent=member, name=f"Dossier {WORD}"
    )
    # The word only in the PDF's text, which the task extracts (run here as after the commit),
    # and in a comment on the file.
    document, version, _created = document_services.document_upload(
        folder=folder,
        agent=member,
        upload=SimpleUploadedFile("note.pdf", pdf_bytes(f"Texte extrait {WORD}")),
    )
    process_version.call(version_id=version.pk)
    document_services.comment_add(document=document, agent=member, body=f"Remarque {WORD}")
    from wiki import services as wiki_services

    wiki_page = wiki_services.page_create(
        community=community,
        agent=member,
        title=f"Procédure {WORD}",
        body=f"Le mot {WORD} reste dans la communauté. Voir [[Page {WORD} manquante]].",
        summary=f"Création {WORD}",
    )
    from ideas import comments as idea_comments
    from ideas import services as idea_services

    idea = idea_services.idea_submit(
        community=community, agent=member, title=f"Idée {WORD}", body=f"Proposition {WORD}"
    )
    idea_comment = idea_comments.comment_create(idea=idea, agent=member, body=f"Avis {WORD}")
    idea_services.idea_set_status(
        idea=idea, actor=animator, status="rejected", answer=f"Réponse {WORD}"
    )
    services.invite(community=community, actor=animator, email=f"{WORD.lower()}@partenaire.fr")
    # an open community next door, so the lists are not empty
    services.community_create(
        actor=admin,
        animators=[animator],
        name="Politique de l'eau",
        description="Eau",
        objective="Partager",
        kind=Community.Kind.POLICY,
        visibility=Community.Visibility.OPEN,
        scope=Community.Scope.NATIONAL,
    )
    return {
        "community": community,
        "animator": animator,
        "member": member,
        "announcement": announcement,
        "comment": comment,
        "forum_category": forum_category,
        "topic": topic,
        "forum_post": forum_post,
        "folder": folder,
        "document": document,
        "wiki_page": wiki_page,
        "idea": idea,
        "idea_comment": idea_comment,
    }


def outsiders():
    return {
        "outsider": AgentFactory(email="dehors@ddt.gouv.fr"),
        "sgar": AgentFactory(sgar=True, email="sgar@sgar.gouv.fr"),
        "external": AgentFactory(email="ext@partenaire.fr", is_external=True),
    }


def _urls(world):
    c = world["community"]
    slug = c.slug
    ct = world["comment"]
    from django.contrib.contenttypes.models import ContentType

    ct_id = ContentType.objects.get_for_model(ct).pk
    return {
        "lists": [
            reverse("communities:list"),
            reverse("communities:list") + f"?q={WORD}",
            reverse("communities:list") + "?mine=1",
            "/",
            reverse("directory:profile", args=[world["member"].pk]),
            reverse("directory:profile", args=[world["animator"].pk]),
        ],
        "community_pages": [
            reverse("communities:home", args=[slug]),
            reverse("communities:activity", args=[slug]),
            reverse("communities:members", args=[slug]),
            reverse("communities:charter", args=[slug]),
            reverse("communities:charter_acceptances", args=[slug]),
            reverse("communities:announcements", args=[slug]),
            reverse("communities:announcement", args=[slug, world["announcement"].pk]),
            reverse("communities:report", args=[slug, ct_id, ct.pk]),
            reverse("communities:moderation", args=[slug]),
            reverse("communities:audit_log", args=[slug]),
            reverse("communities:edit", args=[slug]),
            reverse("communities:invite", args=[slug]),
            reverse("communities:request", args=[slug]),
            reverse("forums:index", args=[slug]),
            reverse("forums:index", args=[slug]) + "?filtre=non-resolus",
            reverse("forums:category", args=[slug, world["forum_category"].pk]),
            reverse("forums:topic_new", args=[slug, world["forum_category"].pk]),
            reverse("forums:topic", args=[slug, world["topic"].pk]),
            reverse("forums:topic_unread", args=[slug, world["topic"].pk]),
            reverse("forums:post", args=[slug, world["forum_post"].pk]),
            reverse("forums:post_history", args=[slug, world["forum_post"].pk]),
            reverse("forums:categories", args=[slug]),
            reverse("documents:index", args=[slug]),
            reverse("documents:folder", args=[slug, world["folder"].pk]),
            reverse("documents:document", args=[slug, world["document"].pk]),
            reverse("documents:download", args=[slug, world["document"].pk]),
            reverse("documents:download", args=[slug, world["document"].pk, 1]),
            reverse("documents:thumbnail", args=[slug, world["document"].pk]),
            reverse("documents:preview", args=[slug, world["document"].pk]),
            reverse("documents:bin", args=[slug]),
            reverse("documents:settings", args=[slug]),
            reverse("wiki:home", args=[slug]),
            reverse("wiki:pages", args=[slug]),
            reverse("wiki:recent", args=[slug]),
            reverse("wiki:page", args=[slug, world["wiki_page"].slug]),
            reverse("wiki:history", args=[slug, world["wiki_page"].slug]),
            reverse("wiki:revision", args=[slug, world["wiki_page"].slug, 1]),
            reverse("wiki:page_edit", args=[slug, world["wiki_page"].slug]),
            reverse("wiki:page_new", args=[slug]) + f"?titre=Page+{WORD}+manquante",
            reverse("wiki:export", args=[slug]),
            reverse("wiki:import", args=[slug]),
            reverse("ideas:index", args=[slug]),
            reverse("ideas:index", args=[slug]) + "?statut=rejected&tri=commentees",
            reverse("ideas:roadmap", args=[slug]),
            reverse("ideas:similar", args=[slug]) + f"?titre={WORD}",
            reverse("ideas:new", args=[slug]),
            reverse("ideas:settings", args=[slug]),
            reverse("ideas:export", args=[slug]),
            reverse("ideas:export", args=[slug]) + "?format=csv",
            reverse("ideas:export", args=[slug]) + "?format=ods",
            reverse("ideas:idea", args=[slug, world["idea"].pk]),
            reverse("ideas:edit", args=[slug, world["idea"].pk]),
            reverse("ideas:merge", args=[slug, world["idea"].pk]),
            reverse("ideas:comment_edit", args=[slug, world["idea"].pk, world["idea_comment"].pk]),
        ],
    }


@pytest.mark.parametrize("who", ["outsider", "sgar", "external"])
def test_secret_word_never_reaches_an_outsider(client, secret_world, who):
    """Lists, dashboard, profiles and every URL of the secret community hide the word."""
    viewer = outsiders()[who]
    client.force_login(viewer)
    urls = _urls(secret_world)
    for url in urls["lists"]:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        # The search box repeats what the outsider typed; nothing else may contain the word.
        page = response.content.decode().replace(f'value="{WORD}"', "")
        assert WORD not in page, url
    for url in urls["community_pages"]:
        response = client.get(url)
        assert response.status_code == 404, (url, response.status_code)
        assert WORD not in response.content.decode(), url
    response = client.get(reverse("communities:list"), headers={"HX-Request": "true"})
    assert WORD not in response.content.decode()


@pytest.mark.parametrize("who", ["outsider", "sgar", "external"])
def test_secret_word_absent_from_the_outsider_export(client, secret_world, who):
    """The outsider's personal-data export says nothing of the secret community."""
    viewer = outsiders()[who]
    client.force_login(viewer)
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("directory:account_export")).content))
    for name in archive.namelist():
        assert WORD.encode() not in archive.read(name), name


def test_the_member_does_see_the_word(client, secret_world):
    """The same pages show the word to a member: the test above can fail."""
    client.force_login(secret_world["member"])
    assert WORD in client.get(reverse("communities:list") + f"?q={WORD}").content.decode()
    assert WORD in client.get(secret_world["announcement"].get_absolute_url()).content.decode()
    assert WORD in client.get(secret_world["topic"].get_absolute_url()).content.decode()
    assert WORD in client.get(secret_world["wiki_page"].get_absolute_url()).content.decode()
    idea_page = client.get(secret_world["idea"].get_absolute_url()).content.decode()
    assert f"Proposition {WORD}" in idea_page and f"Réponse {WORD}" in idea_page
    assert f"Avis {WORD}" in idea_page
    document = secret_world["document"]
    document.refresh_from_db()
    assert WORD in document.text  # extracted from the PDF
    assert WORD in client.get(document.get_absolute_url()).content.decode()
    slug = secret_world["community"].slug
    for route in ("thumbnail", "preview", "download"):
        assert (
            client.get(reverse(f"documents:{route}", args=[slug, document.pk])).status_code == 200
        )
    assert Membership.objects.filter(agent=secret_world["member"], state="active").count() == 1


@pytest.mark.parametrize("withdrawn", ["when read", "by the ban"])
def test_secret_word_leaves_the_notifications_of_a_banned_member(
    client, django_capture_on_commit_callbacks, withdrawn
):
    """A member notified of the secret community's announcement, then banned: the notification
    centre, the bell's count and the notifications' addresses no longer carry the word (withdrawn
    by the first read, or at once by the ban's on-commit hook), nor does any other page."""
    with django_capture_on_commit_callbacks(execute=True):  # the notifications are made
        world = _build_secret_world()
    member, community = world["member"], world["community"]
    notified = list(Notification.objects.filter(recipient=member))
    client.force_login(member)
    centre = reverse("notifications:centre")
    assert WORD in client.get(centre).content.decode()  # notified: the test can fail
    membership = Membership.objects.get(community=community, agent=member)
    with django_capture_on_commit_callbacks(execute=withdrawn == "by the ban"):
        services.member_remove(
            membership=membership, actor=world["animator"], ban=True, reason="Fuite"
        )
    for url in [centre, reverse("directory:account"), reverse("communities:list")]:
        page = client.get(url).content.decode()
        assert WORD not in page, url
        assert community.slug not in page, url
        assert (
            'data-testid="notifications-badge" data-notifications-badge data-count="0"' in page
        ), url
    assert client.get(reverse("notifications:unread_count")).json() == {"unread": 0}
    for notification in notified:
        response = client.get(reverse("notifications:open", args=[notification.pk]))
        assert response.status_code == 404
        assert community.slug not in response.get("Location", "")
        assert WORD not in response.content.decode()
    urls = _urls(world)
    for url in urls["lists"]:
        page = client.get(url).content.decode().replace(f'value="{WORD}"', "")
        assert WORD not in page, url
    for url in urls["community_pages"]:
        response = client.get(url)
        assert response.status_code == 404, (url, response.status_code)
        assert WORD not in response.content.decode(), url
