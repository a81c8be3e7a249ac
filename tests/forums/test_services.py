"""The forums' writes (``forums.services``): numbering, counters, locks, edits and deletions,
votes and reactions, solutions, categories, mentions, attachments and the signals they send."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from communities.content.models import Attachment
from communities.models import AuditLog
from forums import services, signals
from forums.models import Category, Post, PostRevision, Topic, TopicRead
from forums.services import ForumError
from tests.factories import AgentFactory, CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    community = CommunityFactory(open=True)
    animator = MembershipFactory(community=community, animator=True).agent
    member = MembershipFactory(community=community).agent
    other = MembershipFactory(community=community).agent
    category = Category.objects.create(community=community, name="Général")
    help_forum = Category.objects.create(community=community, name="Entraide", is_help=True)
    return {
        "community": community,
        "animator": animator,
        "member": member,
        "other": other,
        "category": category,
        "help": help_forum,
    }


def _topic(world, author=None, category=None, **kwargs):
    return services.topic_create(
        category=category or world["category"],
        agent=author or world["member"],
        title=kwargs.pop("title", "Un sujet"),
        body=kwargs.pop("body", "Le texte."),
        **kwargs,
    )


class Received:
    def __init__(self, signal):
        self.calls = []
        self.signal = signal

    def __call__(self, sender, **kwargs):
        self.calls.append(kwargs)

    def __enter__(self):
        self.signal.connect(self, weak=False)
        return self

    def __exit__(self, *exc):
        self.signal.disconnect(self)


def test_topic_create_opens_post_one_and_counts_it(world):
    """A new topic has its opening post number 1; the category counts one topic and one post."""
    with Received(signals.topic_created) as received:
        topic = _topic(world)
    post = Post.objects.get(topic=topic)
    assert post.number == 1 and topic.last_number == 1 and topic.reply_count == 0
    category = Category.objects.get(pk=world["category"].pk)
    assert (category.topic_count, category.post_count) == (1, 1)
    assert category.last_post_at == topic.last_post_at
    assert [call["topic"] for call in received.calls] == [topic]


def test_a_help_forum_makes_questions_by_default(world):
    """In a help forum a topic is a question unless its author says otherwise."""
    assert _topic(world, category=world["help"]).is_question
    assert not _topic(world, category=world["help"], title="Info", is_question=False).is_question
    assert not _topic(world).is_question


def test_replies_are_numbered_without_gaps_and_update_the_counters(world):
    """Each reply takes the next number; the topic and category follow the last post."""
    topic = _topic(world)
    with Received(signals.reply_created) as received:
        replies = [
            services.post_reply(topic=topic, agent=world["other"], body=f"Réponse {i}")
            for i in range(3)
        ]
    assert [post.number for post in replies] == [2, 3, 4]
    topic.refresh_from_db()
    assert (topic.last_number, topic.reply_count) == (4, 3)
    assert topic.last_post_author == world["other"]
    assert Category.objects.get(pk=world["category"].pk).post_count == 4
    assert [call["post"] for call in received.calls] == replies
    # The replier has read up to their own reply.
    assert TopicRead.objects.get(agent=world["other"], topic=topic).last_read_number == 4


def test_a_locked_topic_refuses_replies_but_from_the_animators(world):
    """Locked: a member's reply is refused in French, an animator's goes through."""
    topic = _topic(world)
    Topic.objects.filter(pk=topic.pk).update(is_locked=True)
    topic.refresh_from_db()
    with pytest.raises(ForumError, match="verrouillé"):
        services.post_reply(topic=topic, agent=world["other"], body="Encore")
    assert Post.objects.filter(topic=topic).count() == 1
    post = services.post_reply(topic=topic, agent=world["animator"], body="Je clos.")
    assert post.number == 2


def test_a_topic_locked_while_the_reply_was_typed_refuses_it(world):
    """The reply reads the lock under the row lock: a stale topic object does not let it in."""
    topic = _topic(world)
    Topic.objects.filter(pk=topic.pk).update(is_locked=True)  # ``topic`` still says unlocked
    with pytest.raises(ForumError, match="verrouillé"):
        services.post_reply(topic=topic, agent=world["other"], body="Trop tard")
    topic.refresh_from_db()
    assert topic.last_number == 1 and topic.reply_count == 0


def test_empty_or_too_long_texts_are_refused_in_french(world):
    """An empty title or body, a body over 20,000 characters: French refusals, nothing written."""
    with pytest.raises(ForumError, match="titre"):
        _topic(world, title="   ")
    with pytest.raises(ForumError, match="vide"):
        _topic(world, body="  ")
    topic = _topic(world)
    with pytest.raises(ForumError, match="20000"):
        services.post_reply(topic=topic, agent=world["other"], body="x" * 20001)
    assert Topic.objects.count() == 1


def test_post_edit_keeps_the_previous_text(world):
    """An edit keeps the old text in the history and marks the post edited."""
    topic = _topic(world, body="Avant")
    post = topic.posts.get()
    with Received(signals.post_changed) as received:
        services.post_edit(post=post, agent=world["member"], body="Après")
    post.refresh_from_db()
    assert post.body == "Après" and post.edited_at is not None
    assert list(PostRevision.objects.filter(post=post).values_list("body", flat=True)) == ["Avant"]
    assert [call["post"] for call in received.calls] == [post]
    with pytest.raises(ForumError):
        services.post_edit(post=post, agent=world["other"], body="Pirate")


def test_post_delete_is_soft_and_counted_out(world):
    """A deleted reply keeps its number, loses its text (kept in the history), leaves the
    counters, and stops being the solution; the animators' deletions are audited."""
    topic = _topic(world, category=world["help"])
    reply = services.post_reply(topic=topic, agent=world["other"], body="La réponse")
    services.solution_mark(topic=topic, agent=world["member"], post=reply)
    services.post_delete(post=reply, agent=world["animator"])
    reply.refresh_from_db()
    topic.refresh_from_db()
    assert reply.is_deleted and reply.body == "" and reply.number == 2
    assert PostRevision.objects.get(post=reply).body == "La réponse"
    assert topic.reply_count == 0 and topic.solution_id is None and topic.last_number == 2
    assert AuditLog.objects.filter(action="forum_post_deleted", object_id=reply.pk).exists()
    with pytest.raises(ForumError, match="déjà supprimé"):
        services.post_delete(post=reply, agent=world["animator"])


def test_a_member_deletes_only_their_own_post(world):
    topic = _topic(world)
    with pytest.raises(ForumError):
        services.post_delete(post=topic.posts.get(), agent=world["other"])
    services.post_delete(post=topic.posts.get(), agent=world["member"])
    assert topic.posts.get().is_deleted


def test_votes_one_per_agent_withdrawable_never_on_ones_own_post(world):
    """« Utile »: one per agent, taken back with 0; the opening post's score is the topic's."""
    topic = _topic(world)
    post = topic.posts.get()
    assert services.post_vote(post=post, agent=world["other"]) == 1
    assert services.post_vote(post=post, agent=world["other"]) == 1
    assert services.post_vote(post=post, agent=world["animator"]) == 2
    topic.refresh_from_db()
    assert topic.vote_count == 2
    assert services.post_vote(post=post, agent=world["other"], useful=False) == 1
    assert Post.objects.get(pk=post.pk).vote_count == 1
    with pytest.raises(ForumError, match="propre message"):
        services.post_vote(post=post, agent=world["member"])


def test_reactions_toggle(world):
    topic = _topic(world)
    post = topic.posts.get()
    assert services.post_react(post=post, agent=world["other"], emoji="👍") is True
    assert services.post_react(post=post, agent=world["other"], emoji="👍") is False
    with pytest.raises(ForumError, match="émoji"):
        services.post_react(post=post, agent=world["other"], emoji="abc")


def test_solution_only_on_a_question_only_a_reply_of_the_topic(world):
    """The question's author marks a reply of the topic; not the opening post, not another
    topic's reply, not on a discussion; others may not; unmarking works."""
    question = _topic(world, category=world["help"])
    reply = services.post_reply(topic=question, agent=world["other"], body="Essayez ceci")
    elsewhere = services.post_reply(
        topic=_topic(world, category=world["help"]), agent=world["other"], body="x"
    )
    with pytest.raises(ForumError, match="réponse de ce sujet"):
        services.solution_mark(
            topic=question, agent=world["member"], post=question.posts.get(number=1)
        )
    with pytest.raises(ForumError, match="réponse de ce sujet"):
        services.solution_mark(topic=question, agent=world["member"], post=elsewhere)
    with pytest.raises(ForumError):
        services.solution_mark(topic=question, agent=world["other"], post=reply)
    with Received(signals.solution_marked) as received:
        services.solution_mark(topic=question, agent=world["member"], post=reply)
        services.solution_unmark(topic=question, agent=world["animator"])
    assert [call["post"] for call in received.calls] == [reply, None]
    assert Topic.objects.get(pk=question.pk).solution_id is None
    discussion = _topic(world)
    answer = services.post_reply(topic=discussion, agent=world["other"], body="x")
    with pytest.raises(ForumError, match="question"):
        services.solution_mark(topic=discussion, agent=world["member"], post=answer)


def test_mentions_among_the_members_only(world):
    """« @Prénom Nom » of a member is stored and signalled once; an outsider's name is not."""
    world["other"].first_name, world["other"].last_name = "Élodie", "Robert"
    world["other"].save()
    outsider = AgentFactory(first_name="Jean", last_name="Dehors")
    topic = _topic(world)
    with Received(signals.mentioned) as received:
        post = services.post_reply(
            topic=topic, agent=world["member"], body="Merci @elodie robert et @Jean Dehors"
        )
        services.post_edit(post=post, agent=world["member"], body="Merci @Élodie Robert !")
    assert list(post.mentions.all()) == [world["other"]]
    assert [call["agents"] for call in received.calls] == [[world["other"]]]
    assert outsider not in post.mentions.all()


def test_attachments_are_checked_and_attached(world):
    """A PDF attaches to the post; an executable is refused in French and nothing is written."""
    pdf = SimpleUploadedFile("note.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    topic = _topic(world, attachments=[pdf])
    assert Attachment.objects.filter(object_id=topic.posts.get().pk).count() == 1
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    with pytest.raises(ForumError):
        services.post_reply(topic=topic, agent=world["other"], body="Voici", attachments=[bad])
    assert Post.objects.filter(topic=topic).count() == 1


def test_categories_are_managed_by_the_animators(world):
    """Create, rename, reorder, delete only an empty one; a member may not; names are unique."""
    community, animator = world["community"], world["animator"]
    with pytest.raises(ForumError, match="animation"):
        services.category_create(community=community, actor=world["member"], name="Pirate")
    created = services.category_create(
        community=community, actor=animator, name="  Annonces  ", who_may_start="animators"
    )
    assert created.name == "Annonces" and created.position == 1  # after the others (0)
    with pytest.raises(ForumError, match="déjà ce nom"):
        services.category_create(community=community, actor=animator, name="Général")
    services.category_update(category=created, actor=animator, name="Nouvelles")
    assert Category.objects.get(pk=created.pk).name == "Nouvelles"
    order = services.category_reorder(
        community=community, actor=animator, category_ids=[created.pk, world["help"].pk]
    )
    assert [c.pk for c in order] == [created.pk, world["help"].pk, world["category"].pk]
    _topic(world)
    with pytest.raises(ForumError, match="contient des sujets"):
        services.category_delete(category=world["category"], actor=animator)
    services.category_delete(category=created, actor=animator)
    assert not Category.objects.filter(pk=created.pk).exists()
    with pytest.raises(ForumError, match="qui peut"):
        services.category_create(
            community=community, actor=animator, name="X", who_may_start="tous"
        )


def test_animators_only_category_refuses_a_member(world):
    category = Category.objects.create(
        community=world["community"], name="Annonces", who_may_start="animators"
    )
    with pytest.raises(ForumError, match="seule l'animation"):
        _topic(world, category=category)
    assert _topic(world, category=category, author=world["animator"]).pk


def test_read_position_only_moves_forward(world):
    topic = _topic(world)
    for i in range(4):
        services.post_reply(topic=topic, agent=world["other"], body=f"r{i}")
    topic.refresh_from_db()
    reader = world["animator"]
    services.topic_read(reader, topic, 3)
    services.topic_read(reader, topic, 2)
    assert TopicRead.objects.get(agent=reader, topic=topic).last_read_number == 3
    services.topic_read(reader, topic, 999)
    assert TopicRead.objects.get(agent=reader, topic=topic).last_read_number == 5
