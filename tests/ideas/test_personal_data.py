"""The idea box's part of the personal-data export, and what closing an account removes."""

import io
import json
import zipfile

import pytest

from communities.content import services as content
from directory.services import agent_close_account
from ideas import comments
from ideas.models import Idea, IdeaComment, IdeaSupport
from tests.factories import CommunityFactory
from tests.ideas.social_helpers import comment, member, submit, support

pytestmark = pytest.mark.django_db


def _ideas_section(client, agent):
    client.force_login(agent)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/compte/mes-donnees.zip").content))
    return json.loads(archive.read("idees.json"))


def test_export_lists_own_ideas_supports_comments_reactions_and_follows(client):
    """« idees.json »: the agent's ideas, supports, comments (an edited one with its earlier
    text), reactions and follows — nothing of anyone else's."""
    community = CommunityFactory(name="Réseau achats")
    agent, other = member(community), member(community)
    mine = submit(community, agent, title="Groupement de commandes", body="Pour le papier.")
    theirs = submit(community, other, title="Achats verts")
    support(theirs, agent)
    said = comment(theirs, agent, body="Premier jet")
    comments.comment_edit(comment=said, agent=agent, body="Je soutiens !")
    answer = comment(mine, other, body="Bonne idée, vraiment.")
    comments.comment_react(comment=answer, agent=agent, emoji="👍")

    data = _ideas_section(client, agent)
    assert [(i["titre"], i["description"]) for i in data["idees"]] == [
        ("Groupement de commandes", "Pour le papier.")
    ]
    assert [s["idee"] for s in data["soutiens"]] == ["Achats verts"]
    assert [c["texte"] for c in data["commentaires"]] == ["Je soutiens !"]
    assert [v["texte"] for v in data["versions_precedentes"]] == ["Premier jet"]
    assert [r["reaction"] for r in data["reactions"]] == ["👍"]
    assert sorted(f["idee"] for f in data["suivis"]) == ["Achats verts", "Groupement de commandes"]
    assert "Bonne idée, vraiment." not in json.dumps(data, ensure_ascii=False)


def test_closing_the_account_removes_follows_but_keeps_ideas_supports_and_comments():
    """A closed account follows no idea; its ideas, comments and supports stay (the counts do
    not drop), the other agents' follows too."""
    community = CommunityFactory()
    agent, other = member(community), member(community)
    mine = submit(community, agent)
    theirs = submit(community, other, title="Achats verts")
    support(theirs, agent)
    comment(theirs, agent)
    agent_close_account(agent=agent)
    assert content.followers(theirs) == [other.pk]
    assert content.followers(mine) == []
    assert Idea.objects.filter(pk=mine.pk).exists()
    assert IdeaSupport.objects.filter(agent=agent).count() == 1
    assert Idea.objects.get(pk=theirs.pk).support_count == 1
    assert IdeaComment.objects.filter(author=agent).count() == 1
