"""The community-content contract (``communities/content/``) on its two real types, the
announcements (with their comments) and the chat's messages: one registration gives moderation,
labels and the on-hidden hook; files attach through the one table and download through the
parent's policy; followers are recorded; reactions, votes and ratings share their services."""

import re
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.urls import reverse

from chat.models import Message, Reaction
from chat.services import member_mute, member_unmute, room_for_community
from communities import services
from communities.content import audit, moderation
from communities.content import registry as content_registry
from communities.content import services as content_services
from communities.content.models import Attachment, Rating, Subscription, Vote
from communities.models import Announcement, AnnouncementComment, AuditLog, Community
from tests.communities.content_helpers import build_world, fresh, make_community
from tests.factories import AgentFactory, MembershipFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def world():
    return build_world()


def pdf(name="ordre-du-jour.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- one registration per type -------------------------------------------------------------------


def test_the_three_content_types_are_registered_with_their_labels():
    """Announcements, comments and chat messages are community content, each with its label."""
    labels = {model: str(label) for model, label in content_registry.registered_models()}
    assert labels[Announcement] == "billet du blog"  # an annonce or an article
    assert labels[AnnouncementComment] == "commentaire"
    assert labels[Message] == "message de messagerie"


@pytest.mark.parametrize(
    ("content_type", "object_id"),
    [("abc", 1), (999999, 1), (None, 1), ("community", "x"), (0, 2**64)],
)
def test_resolve_refuses_garbage_and_unregistered_models(content_type, object_id):
    """A forged pair never resolves to something that is not registered content."""
    if content_type == "community":
        content_type = ContentType.objects.get_for_model(Community).pk
    assert content_registry.resolve(content_type, object_id) is None


def test_every_audit_action_the_code_writes_has_a_label():
    """Each action code given to the audit log anywhere in the code has a French label (the
    journal once showed « chat_muted » raw)."""
    written = set()
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "migrations" in path.parts:
            continue
        source = path.read_text()
        for call in re.finditer(r"audit\.record\((.*?)\)", source, re.S):
            written.update(re.findall(r'action="(\w+)"', call.group(1)))
            written.update(re.findall(r'"hidden" if hidden else "restored"', call.group(1)))
    written.discard('"hidden" if hidden else "restored"')
    written |= {"hidden", "restored", "report_dismissed"}
    assert len(written) > 15, written
    assert written - set(audit.registered_actions()) == set()


def test_the_journal_names_the_chat_actions_and_unmuting_is_audited(client):
    """Muting and giving back the floor both go to the journal, in French."""
    community = CommunityFactoryWithChat()
    animator = MembershipFactory(community=community, animator=True).agent
    member = MembershipFactory(community=community).agent
    member_mute(agent=animator, community=community, member=member, minutes=30, reason="Calme")
    member_unmute(agent=animator, community=community, member=member)
    assert list(
        AuditLog.objects.filter(community=community, target_agent=member)
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["chat_muted", "chat_unmuted"]
    client.force_login(animator)
    page = client.get(reverse("communities:audit_log", args=[community.slug])).content.decode()
    assert "Membre rendu muet dans la messagerie" in page
    assert "Fin du mode muet dans la messagerie" in page
    assert "chat_muted" not in page


def CommunityFactoryWithChat():  # noqa: N802 - reads as a factory
    from tests.factories import CommunityFactory

    return CommunityFactory(open=True)


def test_hiding_a_message_calls_the_chat_back_on_commit(django_capture_on_commit_callbacks):
    """The moderation tells the content's app (``on_hidden``): the chat republishes the message
    with a new sequence number once the hiding has committed."""
    community = CommunityFactoryWithChat()
    animator = MembershipFactory(community=community, animator=True).agent
    member = MembershipFactory(community=community).agent
    from chat.services import message_send

    room = room_for_community(community)
    message = message_send(agent=member, room=room, body="Hors charte", client_id="contrat-0001")
    before = Message.objects.get(pk=message.pk).seq
    with django_capture_on_commit_callbacks(execute=True):
        moderation.content_set_hidden(content=message, actor=animator, hidden=True, reason="Non")
    message.refresh_from_db()
    assert message.is_hidden
    assert message.seq > before


# --- attachments ---------------------------------------------------------------------------------


def test_an_announcement_carries_a_file_members_download(client, world):
    """The animator attaches a PDF when publishing; a member downloads it as an inert private
    attachment; the file is listed on the announcement."""
    client.force_login(world.animator)
    response = client.post(
        reverse("communities:announcement_create", args=[world.community.slug]),
        {"title": "Ordre du jour", "body": "Voici l'ordre du jour.", "attachment": pdf()},
    )
    assert response.status_code == 302
    announcement = Announcement.objects.get(title="Ordre du jour")
    attachment = Attachment.objects.get()
    assert attachment.target == announcement
    assert (attachment.name, attachment.mime_type, attachment.size) == (
        "ordre-du-jour.pdf",
        "application/pdf",
        len(PDF),
    )
    assert "ordre-du-jour" not in attachment.file.name  # never the uploaded name on disk

    client.force_login(world.member)
    page = client.get(announcement.get_absolute_url()).content.decode()
    assert f'href="{attachment.get_absolute_url()}"' in page
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "private, no-store"


def test_a_file_is_downloaded_only_by_who_may_read_its_parent(client):
    """Written-out matrix on a secret community's announcement: member yes; outsider, banned,
    anonymous no; and no longer anyone but the animation once the announcement is hidden."""
    animator = AgentFactory()
    community = make_community(animator=animator, visibility=Community.Visibility.PRIVATE_SECRET)
    member = MembershipFactory(community=community).agent
    banned = MembershipFactory(community=community, banned=True).agent
    outsider = AgentFactory()
    announcement = services.announcement_create(
        community=community, actor=fresh(animator), title="Réservé", body="…", attachment=pdf()
    )
    url = Attachment.objects.get().get_absolute_url()
    expected = {member: 200, animator: 200, banned: 404, outsider: 404}
    for agent, status in expected.items():
        client.force_login(agent)
        assert client.get(url).status_code == status, agent
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page
    moderation.content_set_hidden(content=announcement, actor=fresh(animator), hidden=True)
    client.force_login(member)
    assert client.get(url).status_code == 404
    client.force_login(animator)
    assert client.get(url).status_code == 200


def test_forged_and_missing_file_ids_are_404(client, world):
    """An id that is not a file, or whose file is gone from the storage, answers 404."""
    client.force_login(world.member)
    assert client.get(reverse("communities:attachment", args=[999999])).status_code == 404
    content_services.attach(target=world.announcement, upload=pdf(), uploaded_by=world.animator)
    attachment = Attachment.objects.get()
    attachment.file.storage.delete(attachment.file.name)
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_a_wrong_file_is_refused_in_french_and_nothing_is_published(client, world):
    """A file that lies about its type: the page says why, no announcement, no attachment."""
    client.force_login(world.animator)
    response = client.post(
        reverse("communities:announcement_create", args=[world.community.slug]),
        {"title": "Piège", "body": "…", "attachment": pdf("piege.pdf", b"MZ\x90\x00binaire")},
    )
    assert not Announcement.objects.filter(title="Piège").exists()
    assert not Attachment.objects.exists()
    follow = client.get(response["Location"]) if response.status_code == 302 else response
    assert "Le contenu du fichier ne correspond pas à son extension « .pdf »." in (
        follow.content.decode().replace("&#x27;", "'").replace("&laquo;", "«")
    )


def test_the_animator_removes_a_file_when_editing(
    client, world, django_capture_on_commit_callbacks
):
    """« Retirer » on the edit page removes the attachment and its stored file."""
    content_services.attach(target=world.announcement, upload=pdf(), uploaded_by=world.animator)
    attachment = Attachment.objects.get()
    storage, name = attachment.file.storage, attachment.file.name
    client.force_login(world.animator)
    url = reverse(
        "communities:announcement_edit", args=[world.community.slug, world.announcement.pk]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "title": world.announcement.title,
                "body": world.announcement.body,
                "remove_attachments": [str(attachment.pk)],
            },
        )
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert not storage.exists(name)


# --- following -----------------------------------------------------------------------------------


def test_an_announcement_is_followed_by_its_author_and_its_commenters(world):
    """Publishing and commenting follow the announcement; following twice is once; unfollowing
    stops it."""
    assert sorted(content_services.followers(world.announcement)) == sorted(
        [world.animator.pk, world.member.pk]
    )
    reader = world.newcomer
    content_services.follow(agent=reader, target=world.announcement)
    content_services.follow(agent=reader, target=world.announcement)
    assert len(content_services.followers(world.announcement)) == 3
    content_services.unfollow(agent=reader, target=world.announcement)
    assert not content_services.is_following(reader, world.announcement)
    assert Subscription.objects.count() == 2


# --- reactions, votes, ratings -------------------------------------------------------------------


def test_reactions_toggle_on_a_concrete_table(world):
    """The chat's reactions derive from the shared base and use the shared service."""
    community = CommunityFactoryWithChat()
    member = MembershipFactory(community=community).agent
    from chat.services import message_send

    message = message_send(
        agent=member, room=room_for_community(community), body="Bravo", client_id="contrat-0002"
    )
    assert content_services.reaction_toggle(Reaction, agent=member, emoji="👍", message=message)
    assert Reaction.objects.filter(message=message).count() == 1
    assert not content_services.reaction_toggle(Reaction, agent=member, emoji="👍", message=message)
    assert not Reaction.objects.exists()
    with pytest.raises(content_services.ContentError):
        content_services.reaction_toggle(Reaction, agent=member, emoji="bonjour", message=message)


@pytest.fixture
def voted_tables():
    """A concrete vote table and rating table on announcements, as a tool would declare them
    (registered and created for this test only, then dropped and forgotten)."""
    from django.apps import apps

    class AnnouncementVote(Vote):
        announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="+")

        class Meta:
            app_label = "communities"
            constraints = [
                models.UniqueConstraint(fields=["announcement", "agent"], name="vote_once_t")
            ]

    class AnnouncementTestRating(Rating):
        announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="+")

        class Meta:
            app_label = "communities"
            constraints = [
                models.UniqueConstraint(fields=["announcement", "agent"], name="rate_once_t")
            ]

    tables = (AnnouncementVote, AnnouncementTestRating)
    with connection.schema_editor() as editor:
        for table in tables:
            editor.create_model(table)
    yield tables
    with connection.schema_editor() as editor:
        for table in tables:
            editor.delete_model(table)
    for table in tables:
        del apps.all_models["communities"][table._meta.model_name]
    apps.clear_cache()


# Creating tables needs SQLite outside a transaction; the reference data is put back after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_votes_and_ratings_share_their_services(world, voted_tables):
    """One vote per agent (changed, withdrawn), a score; one rating per agent from 1 to 5, an
    average and a count; anything else refused in French."""
    vote, rating = voted_tables
    target = {"announcement": world.announcement}
    assert content_services.vote_set(vote, agent=world.member, value=1, **target) == 1
    assert content_services.vote_set(vote, agent=world.animator, value=1, **target) == 2
    assert content_services.vote_set(vote, agent=world.member, value=-1, **target) == 0
    assert content_services.vote_set(vote, agent=world.member, value=0, **target) == 1
    with pytest.raises(content_services.ContentError, match="Ce vote n'est pas possible."):
        content_services.vote_set(vote, agent=world.member, value=5, **target)
    assert content_services.rating_set(rating, agent=world.member, stars=4, **target) == (4, 1)
    assert content_services.rating_set(rating, agent=world.animator, stars=5, **target) == (4.5, 2)
    assert content_services.rating_set(rating, agent=world.member, stars=2, **target) == (3.5, 2)
    with pytest.raises(content_services.ContentError, match="Une note va de 1 à 5 étoiles."):
        content_services.rating_set(rating, agent=world.member, stars=6, **target)


# --- followers are the recipients ----------------------------------------------------------------


def _comment_notifications(agent):
    from notifications.models import Notification

    return list(
        Notification.objects.filter(recipient=agent, kind="comment").values_list(
            "summary", flat=True
        )
    )


def test_a_comment_notifies_the_followers_and_its_author_follows(world, capture_effects):
    """The announcement's author (a follower since publishing) and its earlier commenter hear of
    a new member's comment; the new commenter now follows; whoever does not follow hears nothing;
    nobody hears of their own."""
    other = fresh(add_member_to(world))
    with capture_effects():
        services.comment_create(
            announcement=world.announcement, agent=other, body="J'y serai aussi."
        )
    assert _comment_notifications(world.animator) == [
        f"{other.display_name} a commenté « Réunion du réseau en mars »"
    ]
    assert len(_comment_notifications(world.member)) == 1
    assert _comment_notifications(world.newcomer) == []
    assert _comment_notifications(other) == []
    assert content_services.is_following(other, world.announcement)
    with capture_effects():
        services.comment_create(
            announcement=world.announcement, agent=world.animator, body="Parfait."
        )
    assert len(_comment_notifications(other)) == 1
    assert len(_comment_notifications(world.animator)) == 1


def add_member_to(world):
    from tests.communities.content_helpers import add_member

    return add_member(world.community, AgentFactory(first_name="Paul", last_name="Suiveur"))


def test_a_follower_banned_meanwhile_hears_nothing(world, capture_effects):
    """Followers go through the policy like any recipients: a banned follower is not told."""
    follower = fresh(add_member_to(world))
    content_services.follow(agent=follower, target=world.announcement)
    from communities.models import Membership

    membership = Membership.objects.get(community=world.community, agent=follower)
    services.member_remove(membership=membership, actor=world.animator, ban=True, reason="Charte")
    with capture_effects():
        services.comment_create(announcement=world.announcement, agent=world.member, body="Encore.")
    assert _comment_notifications(follower) == []
    assert len(_comment_notifications(world.animator)) == 1  # the test can fail


def test_the_follow_button_follows_and_unfollows(client, world):
    """« Suivre les commentaires » then « Ne plus suivre » on the announcement's page."""
    reader = fresh(add_member_to(world))
    client.force_login(reader)
    url = reverse(
        "communities:announcement_follow", args=[world.community.slug, world.announcement.pk]
    )
    page = client.get(world.announcement.get_absolute_url()).content.decode()
    assert "Suivre les commentaires" in page
    assert client.post(url, {"follow": "1"}).status_code == 302
    assert content_services.is_following(reader, world.announcement)
    assert "Ne plus suivre" in client.get(world.announcement.get_absolute_url()).content.decode()
    client.post(url, {"follow": "0"})
    assert not content_services.is_following(reader, world.announcement)


def test_following_a_secret_announcement_from_outside_is_404(client):
    """An outsider's forged follow of a secret community's announcement answers 404 and
    records nothing."""
    animator = AgentFactory()
    community = make_community(animator=animator, visibility=Community.Visibility.PRIVATE_SECRET)
    announcement = services.announcement_create(
        community=community, actor=fresh(animator), title="Secret", body="…"
    )
    client.force_login(AgentFactory())
    url = reverse("communities:announcement_follow", args=[community.slug, announcement.pk])
    assert client.post(url, {"follow": "1"}).status_code == 404
    assert content_services.followers(announcement) == [animator.pk]
