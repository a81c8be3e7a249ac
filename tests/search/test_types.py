"""The types every app registers with the search over everything (``search.registry``): each
object gives the document it should — its title, text, exact address, date, community, author
and access keys — and leaves the index when it is hidden, deleted, unpublished or its tool
switched off; the viewer's keys and the facets' labels."""

import pytest
from django.utils import timezone

from communities.models import Community, Membership
from communities.search import ADMIN_KEY
from forums.models import Post
from search import registry
from search.everything import search_everything
from search.indexing import documents_for, drain, queue, rebuild
from search.models import PendingIndex
from tests.factories import AgentFactory, CommunityFactory, ExternalAgentFactory, MembershipFactory
from tests.search.contract import ask
from tests.search.planted import CONTENT_TYPES, plant, plant_direct, search_backend

pytestmark = pytest.mark.django_db


def document(type_name, obj):
    kind = registry.get_type(type_name)
    documents, missing = documents_for(kind, [obj.pk])
    return documents[0] if documents else None


@pytest.fixture
def backend(request, settings):
    return search_backend(request, settings)


def test_every_type_is_registered_with_its_french_labels():
    labels = {kind.name: (kind.label, kind.plural) for kind in registry.types()}
    assert labels == {
        "agent": ("Agent", "Agents"),
        "community": ("Communauté", "Communautés"),
        "announcement": ("Billet du blog", "Billets du blog"),
        "forum_topic": ("Sujet de forum", "Sujets de forum"),
        "forum_reply": ("Réponse de forum", "Réponses de forum"),
        "wiki_page": ("Page de wiki", "Pages de wiki"),
        "document": ("Fichier", "Fichiers"),
        "idea": ("Idée", "Idées"),
        "chat_message": ("Message de messagerie", "Messages de messagerie"),
    }


def test_the_content_of_an_open_community_is_read_by_every_state_agent():
    community = CommunityFactory(open=True)
    planted = plant(community, "Pivoine")
    for type_name, obj in planted.objects().items():
        found = document(type_name, obj)
        assert found is not None, type_name
        assert found.community_id == community.pk
        assert found.author_id == planted.author.pk
        assert found.author_name == planted.author.display_name
        assert found.region == planted.author.service.region.code
        keys = {f"c{community.pk}", ADMIN_KEY}
        # The chat's rooms are their members' only, even in an open community.
        expected = keys if type_name == "chat_message" else keys | {"internal"}
        assert found.access == expected, type_name
        assert "pivoine" in f"{found.title} {found.body}".lower(), type_name


@pytest.mark.parametrize("visibility", ["on_request", "private_listed", "private_secret"])
def test_the_content_of_a_closed_community_is_its_members_only(visibility):
    community = CommunityFactory(visibility=visibility)
    planted = plant(community, "Glycine")
    for type_name, obj in planted.objects().items():
        assert document(type_name, obj).access == {f"c{community.pk}", ADMIN_KEY}, type_name


@pytest.mark.parametrize(
    ("visibility", "internal"),
    [("open", True), ("on_request", True), ("private_listed", True), ("private_secret", False)],
)
def test_a_community_card_is_seen_by_all_unless_secret(visibility, internal):
    community = CommunityFactory(visibility=visibility, name="Les jardins partagés")
    found = document("community", community)
    assert found.title == "Les jardins partagés"
    assert found.url == community.get_absolute_url()
    assert "Je m'engage à respecter les autres membres" in found.body
    assert found.community_id == community.pk
    assert ("internal" in found.access) is internal
    assert {f"c{community.pk}", ADMIN_KEY} <= found.access


def test_each_document_links_to_the_exact_place():
    community = CommunityFactory(open=True)
    planted = plant(community, "Capucine")
    reply = document("forum_reply", planted.reply)
    assert reply.title == planted.topic.title
    assert reply.url == planted.reply.get_absolute_url()
    assert reply.body == "Réponse Capucine."
    topic = document("forum_topic", planted.topic)
    assert topic.body == "Ouverture Capucine."
    assert topic.url == planted.topic.get_absolute_url()
    message = document("chat_message", planted.message)
    assert message.url.endswith(f"?autour={planted.message.pk}#message-{planted.message.pk}")
    assert message.title.startswith(community.name)
    assert document("wiki_page", planted.page).url == planted.page.get_absolute_url()
    assert document("document", planted.document).url == planted.document.get_absolute_url()
    assert document("idea", planted.idea).url == planted.idea.get_absolute_url()
    # The wiki's Markdown is indexed as plain text.
    assert "**" not in document("wiki_page", planted.page).body


def test_a_wiki_page_holds_the_text_of_its_attached_pdf():
    community = CommunityFactory(open=True)
    planted = plant(community, "Verveine", attachment_word="Photosynthèse")
    found = document("wiki_page", planted.page)
    assert "Photosynthèse" in found.body
    assert "note.pdf" in found.body


def test_a_library_file_is_found_by_its_extracted_text():
    planted = plant(CommunityFactory(open=True), "Lavande")
    found = document("document", planted.document)
    assert found.title == "Fichier-Lavande.pdf"
    assert "Le texte extrait Lavande." in found.body


def test_a_direct_conversation_is_read_by_its_participants_only():
    first, second = AgentFactory(), AgentFactory()
    message = plant_direct(first, second, "Cerise")
    found = document("chat_message", message)
    assert found.access == {f"r{message.room_id}"}
    assert found.community_id is None
    assert found.title == "Conversation privée"
    assert registry.access_for(first)[0] >= {f"r{message.room_id}"}
    assert f"r{message.room_id}" not in registry.access_for(AgentFactory())[0]


def test_an_agent_is_found_by_name_and_skills_with_the_keys_of_their_communities():
    agent = AgentFactory(first_name="Élodie", last_name="Martin", position="Cheffe de projet")
    agent.skills.add("Marchés publics")
    member_of = MembershipFactory(agent=agent).community
    MembershipFactory(agent=agent, banned=True)
    found = document("agent", agent)
    assert found.title == "Élodie Martin"
    assert "Marchés publics" in found.body and "Cheffe de projet" in found.body
    assert found.url == agent.get_absolute_url()
    assert found.access == {"internal", f"c{member_of.pk}"}
    assert found.author_id == agent.pk
    assert found.region == agent.service.region.code


def test_a_closed_or_inactive_account_is_not_indexed():
    closed = AgentFactory(closed_at=timezone.now())
    inactive = AgentFactory(is_active=False)
    assert document("agent", closed) is None
    assert document("agent", inactive) is None


def test_the_viewer_keys():
    community, other = CommunityFactory(), CommunityFactory()
    member = MembershipFactory(community=community).agent
    MembershipFactory(community=other, agent=member, banned=True)
    keys, denied = registry.access_for(member)
    assert keys == {"internal", f"c{community.pk}"}
    assert denied == {other.pk}
    external = ExternalAgentFactory()
    MembershipFactory(community=community, agent=external)
    assert registry.access_for(external)[0] == {f"c{community.pk}"}
    # Administrators read every community, not the private conversations.
    admin_keys = registry.access_for(AgentFactory(platform_admin=True))[0]
    assert admin_keys == {"internal", ADMIN_KEY}


def test_the_labels_of_the_community_and_region_facets():
    community = CommunityFactory(name="Numérique responsable")
    assert registry.labels("community", [str(community.pk)]) == {
        str(community.pk): "Numérique responsable"
    }
    assert registry.labels("region", ["53"]) == {"53": "Bretagne"}


def test_hidden_deleted_unpublished_content_leaves_the_index(
    backend, django_capture_on_commit_callbacks
):
    community = CommunityFactory(open=True)
    planted = plant(community, "Jonquille")
    rebuild(backend=backend)
    viewer = AgentFactory()
    found = search_everything(viewer, query="jonquille")
    assert {hit.type for hit in found.hits} == set(CONTENT_TYPES) - {"chat_message"}
    with django_capture_on_commit_callbacks(execute=True):
        planted.announcement.published_at = None  # back to a draft
        planted.announcement.save()
        planted.topic.is_hidden = True  # its replies go with it
        planted.topic.save()
        planted.page.is_hidden = True
        planted.page.save()
        planted.document.deleted_at = timezone.now()
        planted.document.save()
        planted.idea.delete()
    assert not PendingIndex.objects.exists()
    assert search_everything(viewer, query="jonquille").hits == []


def test_a_deleted_reply_and_a_renamed_topic(backend, django_capture_on_commit_callbacks):
    planted = plant(CommunityFactory(open=True), "Mimosa")
    rebuild(backend=backend)
    viewer = AgentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        planted.topic.title = "Sujet renommé Tournesol"
        planted.topic.save()
    hits = search_everything(viewer, query="tournesol").hits
    assert {(hit.type, hit.title) for hit in hits} == {
        ("forum_topic", "Sujet renommé Tournesol"),
        ("forum_reply", "Sujet renommé Tournesol"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        Post.objects.filter(pk=planted.reply.pk).first().delete()
    assert [hit.type for hit in search_everything(viewer, query="tournesol").hits] == [
        "forum_topic"
    ]


@pytest.mark.parametrize("tool", ["announcements", "forum", "wiki", "documents", "ideas", "chat"])
def test_a_tool_switched_off_takes_its_content_out(
    tool, backend, django_capture_on_commit_callbacks
):
    community = CommunityFactory(open=True)
    planted = plant(community, "Myosotis")
    rebuild(backend=backend)
    member = planted.author
    before = {hit.type for hit in search_everything(member, query="myosotis").hits}
    assert before == set(CONTENT_TYPES)
    with django_capture_on_commit_callbacks(execute=True):
        setattr(community, f"tool_{tool}", False)
        community.save()
    tool_types = {
        "announcements": {"announcement"},
        "forum": {"forum_topic", "forum_reply"},
        "wiki": {"wiki_page"},
        "documents": {"document"},
        "ideas": {"idea"},
        "chat": {"chat_message"},
    }[tool]
    after = {hit.type for hit in search_everything(member, query="myosotis").hits}
    assert after == before - tool_types


def test_a_community_turned_secret_is_reindexed(backend, django_capture_on_commit_callbacks):
    community = CommunityFactory(open=True)
    plant(community, "Bleuet")
    rebuild(backend=backend)
    outsider = AgentFactory()
    assert search_everything(outsider, query="bleuet").total == 6
    with django_capture_on_commit_callbacks(execute=True):
        community.visibility = Community.Visibility.PRIVATE_SECRET
        community.save()
    assert search_everything(outsider, query="bleuet").total == 0


def test_a_membership_changes_the_agent_keys(backend, django_capture_on_commit_callbacks):
    community = CommunityFactory(private_listed=True)
    agent = AgentFactory(last_name="Dupontel")
    external = ExternalAgentFactory()
    MembershipFactory(community=community, agent=external)
    rebuild(backend=backend)
    assert search_everything(external, query="dupontel").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        MembershipFactory(community=community, agent=agent)
    assert [hit.id for hit in search_everything(external, query="dupontel").hits] == [agent.pk]
    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.filter(community=community, agent=agent).delete()
    assert search_everything(external, query="dupontel").total == 0


def test_a_service_renamed_or_moved_indexes_its_agents_again(django_capture_on_commit_callbacks):
    """A service's new name reaches its agents' text, and its new department (and so region)
    their region and their facet tags, once committed."""
    from directory.models import Department
    from search.backends.database import DatabaseBackend

    agent = AgentFactory(last_name="Dupontel")
    service = agent.service
    moved = Department.objects.exclude(region_id=service.region_id).first()
    other = moved.region
    rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        service.name = "Direction des embruns"
        service.department = moved
        service.save()
    found = document("agent", agent)
    assert "Direction des embruns" in found.body
    assert found.region == other.code
    assert {f"region:{other.code}", f"department:{moved.code}"} <= found.tags
    assert not PendingIndex.objects.exists()
    row = DatabaseBackend().search(ask("embruns"))
    assert [hit.key for hit in row.hits] == [f"agent:{agent.pk}"]
    assert row.hits[0].region == other.code


def test_queued_documents_of_a_type_no_longer_found_are_removed(backend):
    planted = plant(CommunityFactory(open=True), "Iris")
    rebuild(backend=backend)
    Post.objects.filter(pk=planted.reply.pk).update(is_hidden=True)
    queue([("forum_reply", planted.reply.pk)])
    drain(backend=backend)
    assert [hit.type for hit in search_everything(AgentFactory(), query="iris").hits].count(
        "forum_reply"
    ) == 0
