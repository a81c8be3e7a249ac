"""The wiki's part of the personal-data export, and what closing an account removes."""

import io
import json
import zipfile

import pytest

from communities.content import services as content
from directory.services import agent_close_account
from tests.factories import CommunityFactory
from tests.wiki.social_helpers import create, edit, member
from wiki.models import Page, Revision

pytestmark = pytest.mark.django_db


def _wiki_section(client, agent):
    client.force_login(agent)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/compte/mes-donnees.zip").content))
    return json.loads(archive.read("wiki.json"))


def test_export_lists_own_pages_revisions_and_follows(client):
    """The archive's « wiki.json » has the pages the agent created, every revision they wrote
    (with its text and summary), the pages they follow — nothing of anyone else's."""
    community = CommunityFactory(name="Réseau des archivistes")
    agent, other = member(community), member(community)
    mine = create(community, agent, title="Plan de classement", body="Premier jet")
    edit(mine, other, "Texte d'un collègue", summary="Relecture")
    edit(mine, agent, "Version finale", summary="Mise au propre")
    theirs = create(community, other, title="Pas à moi", body="Texte secret de l'autre")
    content.follow(agent=agent, target=theirs)

    data = _wiki_section(client, agent)
    assert [(p["titre"], p["communaute"]) for p in data["pages_creees"]] == [
        ("Plan de classement", "Réseau des archivistes")
    ]
    # The service ends a body with one line end.
    revisions = data["revisions"]
    assert [(r["page"], r["numero"], r["texte"].strip(), r["resume"]) for r in revisions] == [
        ("Plan de classement", 1, "Premier jet", ""),
        ("Plan de classement", 3, "Version finale", "Mise au propre"),
    ]
    assert sorted(f["page"] for f in data["suivis"]) == ["Pas à moi", "Plan de classement"]
    text = json.dumps(data, ensure_ascii=False)
    assert "Texte d'un collègue" not in text
    assert "Texte secret de l'autre" not in text


def test_closing_the_account_removes_follows_but_keeps_pages_and_revisions():
    """A closed account follows no page; its pages and revisions stay (the history is the
    community's), the other agents' follows too."""
    community = CommunityFactory()
    agent, other = member(community), member(community)
    page = create(community, agent)
    edit(page, other, "Modifié.")
    agent_close_account(agent=agent)
    assert not content.is_following(agent, page)
    assert content.followers(page) == [other.pk]
    assert Page.objects.filter(author=agent).count() == 1
    assert Revision.objects.filter(author=agent).count() == 1
