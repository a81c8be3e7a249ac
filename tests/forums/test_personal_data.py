"""The forums' part of the personal-data export, and what closing an account removes."""

import io
import json
import zipfile

import pytest

from communities.content import services as content
from directory.services import agent_close_account
from forums import services
from forums.models import Post, TopicRead
from tests.factories import CommunityFactory
from tests.forums.social_helpers import category, member, reply, start_topic

pytestmark = pytest.mark.django_db


def _forums_section(client, agent):
    client.force_login(agent)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/compte/mes-donnees.zip").content))
    return json.loads(archive.read("forums.json"))


def test_export_lists_own_topics_posts_votes_reactions_and_follows(client):
    """The archive's « forums.json » has the agent's topics, posts (an edited one with its
    earlier text), votes, reactions, follows and read positions — nothing of anyone else's."""
    community = CommunityFactory(name="Réseau achats")
    agent, other = member(community), member(community)
    place = category(community, "Marchés publics")
    topic = start_topic(place, agent, title="Seuils 2026", body="Quels seuils ?")
    answer = reply(topic, other, "Ceux du décret.")
    mine = reply(topic, agent, "Premier jet")
    services.post_edit(post=Post.objects.get(pk=mine.pk), agent=agent, body="Merci !")
    services.post_vote(post=answer, agent=agent)
    services.post_react(post=answer, agent=agent, emoji="👍")
    content.follow(agent=agent, target=place)
    start_topic(place, other, title="Pas à moi")

    data = _forums_section(client, agent)
    assert [t["titre"] for t in data["sujets"]] == ["Seuils 2026"]
    assert [(m["numero"], m["texte"]) for m in data["messages"]] == [
        (1, "Quels seuils ?"),
        (3, "Merci !"),
    ]
    assert [v["texte"] for v in data["versions_precedentes"]] == ["Premier jet"]
    assert [(v["sujet"], v["numero"]) for v in data["votes_utile"]] == [("Seuils 2026", 2)]
    assert [r["reaction"] for r in data["reactions"]] == ["👍"]
    assert sorted((f["type"], f["titre"]) for f in data["suivis"]) == [
        ("catégorie", "Marchés publics"),
        ("sujet", "Seuils 2026"),
    ]
    assert data["lectures"][0]["sujet"] == "Seuils 2026"
    assert "Ceux du décret." not in json.dumps(data, ensure_ascii=False)


def test_closing_the_account_removes_follows_and_reads_but_keeps_posts():
    """A closed account follows no topic or category and has no read position; its posts stay
    (attributed to « ancien agent »), the other agents' follows too."""
    community = CommunityFactory()
    agent, other = member(community), member(community)
    place = category(community)
    topic = start_topic(place, agent)
    reply(topic, other)
    content.follow(agent=agent, target=place)
    agent_close_account(agent=agent)
    assert not content.is_following(agent, topic)
    assert not content.is_following(agent, place)
    assert content.followers(topic) == [other.pk]
    assert not TopicRead.objects.filter(agent=agent).exists()
    assert Post.objects.filter(author=agent).count() == 1
