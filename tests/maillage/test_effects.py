"""Side effects on commit (``maillage.effects``) and the fixture that captures them."""

import logging

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from communities.models import Community
from maillage import effects
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def test_publish_reaches_the_group_after_commit(capture_effects):
    """An event is published to its group's connections once the transaction commits."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("effects.test", channel)
    with capture_effects() as captured, transaction.atomic():
        effects.publish("effects.test", {"type": "test.event", "n": 1})
        assert captured.published == []  # not before the commit
    assert captured.published == [("effects.test", {"type": "test.event", "n": 1})]
    received = async_to_sync(layer.receive)(channel)
    assert received["type"] == "test.event" and received["n"] == 1


def test_nothing_runs_when_the_transaction_rolls_back(capture_effects, mailoutbox):
    """A rolled-back write publishes, mails and indexes nothing."""
    community = CommunityFactory()
    with capture_effects() as captured, pytest.raises(Boom), transaction.atomic():
        effects.publish("effects.test", {"type": "test.event"})
        effects.mail(
            to="elu@mairie-rennes.fr",
            template="communities/email/invited_external",
            context={"community": community, "inviter": None, "link": "/x/"},
        )
        effects.index(community)
        raise Boom
    assert (captured.published, captured.mailed, captured.indexed) == ([], [], [])
    assert mailoutbox == []


def test_mail_is_queued_on_commit_with_the_site_address(capture_effects, mailoutbox, settings):
    """A templated e-mail goes out once the transaction commits, its links on SITE_URL."""
    settings.SITE_URL = "https://maillage.example.gouv.fr"
    community = CommunityFactory(name="Politique de l'eau")
    with capture_effects() as captured:
        effects.mail(
            to="elu@mairie-rennes.fr",
            template="communities/email/invited_external",
            context={"community": community, "inviter": None, "link": "https://x/lien/"},
        )
    assert [mail["to"] for mail in captured.mailed] == ["elu@mairie-rennes.fr"]
    assert captured.mailed_to("elu@mairie-rennes.fr")[0]["template"] == (
        "communities/email/invited_external"
    )
    assert [m.to for m in mailoutbox] == [["elu@mairie-rennes.fr"]]
    assert "Politique de l'eau" in mailoutbox[0].subject
    assert "https://x/lien/" in mailoutbox[0].body


def test_a_failing_effect_is_logged_and_the_write_stands(capture_effects, caplog):
    """An effect that raises is logged; the write it follows is committed all the same."""

    def broken():
        raise Boom("SMTP down")

    with (
        caplog.at_level(logging.ERROR, logger="maillage.effects"),
        capture_effects() as captured,
        transaction.atomic(),
    ):
        community = CommunityFactory(name="Tenue")
        effects.on_commit(broken, name="broken effect")
    assert Community.objects.filter(pk=community.pk, name="Tenue").exists()
    assert [name for name, _error in captured.failed] == ["broken effect"]
    assert "broken effect failed after commit" in caplog.text
    captured.failed.clear()  # expected here: the fixture fails a test on any other failure


def test_index_runs_the_indexers_registered_for_the_model(capture_effects):
    """``index`` hands the object, on commit, to the indexers registered for its model."""
    seen = []
    indexer = seen.append
    effects.register_indexer(Community, indexer)
    try:
        with capture_effects() as captured:
            community = CommunityFactory.build()
            community.save()
            effects.index(community)
            assert seen == []
        # Saved (its own signal) and given again: handed over once.
        assert seen == [[community]]
        assert community in captured.indexed
    finally:
        # Only this test's indexer goes: the search's own stays registered for the next tests.
        effects._indexers[Community].remove(indexer)


def test_the_objects_of_one_transaction_reach_each_indexer_together(capture_effects):
    """Objects of several models given to ``index`` in one transaction go to an indexer
    registered for both in one call, each object once; a transaction rolled back hands nothing
    over, and the next one starts afresh."""
    from chat.models import Room

    seen = []
    indexer = seen.append
    effects.register_indexer(Community, indexer)
    effects.register_indexer(Room, indexer)
    try:
        with capture_effects():  # their own saves are committed and handed over
            first, second = CommunityFactory(), CommunityFactory()
        seen.clear()
        room = Room.objects.filter(community=first).first()
        assert room is not None
        with capture_effects(), transaction.atomic():
            effects.index(first)
            effects.index(room)
            effects.index(first)
            effects.index(second)
        assert seen == [[first, room, second]]

        seen.clear()
        with pytest.raises(Boom), transaction.atomic():
            effects.index(first)
            raise Boom
        with capture_effects(), transaction.atomic():
            effects.index(second)
        assert seen == [[second]]
    finally:
        effects._indexers[Community].remove(indexer)
        effects._indexers[Room].remove(indexer)
