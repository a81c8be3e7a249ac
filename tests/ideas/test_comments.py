"""An idea's comments: written by the members (empty, too long, too many refused in French with
the text kept), edited with the earlier text kept, deleted as « Commentaire supprimé », reacted
to, mentioning members; the counts the lists sort on follow; one page of 20 at a fixed number
of queries; another idea's or community's comment id answers 404."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities.models import AuditLog, Membership
from ideas import comments
from ideas.models import Idea, IdeaComment, IdeaCommentReaction, IdeaCommentRevision
from tests.factories import AgentFactory, CommunityFactory
from tests.ideas.social_helpers import comment, member, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def box():
    community = CommunityFactory(open=True, name="Achats publics")
    animator = member(community, animator=True)
    author, reader = member(community), member(community)
    idea = submit(community, author)
    return {
        "community": community,
        "animator": animator,
        "author": author,
        "reader": reader,
        "idea": idea,
        "outsider": AgentFactory(),
    }


def _idea_url(idea):
    return reverse("ideas:idea", args=[idea.community.slug, idea.pk])


def _comment_urls(comment):
    args = [comment.community.slug, comment.idea_id, comment.pk]
    return {
        name: reverse(f"ideas:{name}", args=args)
        for name in ("comment_edit", "comment_delete", "comment_react")
    }


def test_a_member_comments_and_the_count_follows(box, client):
    """The form posts the comment, the page shows it at its anchor, the idea counts it."""
    client.force_login(box["reader"])
    url = reverse("ideas:comment", args=[box["community"].slug, box["idea"].pk])
    response = client.post(url, {"body": "Les sites de **Lyon** sont intéressés."})
    new = IdeaComment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{_idea_url(box['idea'])}#commentaire-{new.pk}"
    assert Idea.objects.get(pk=box["idea"].pk).comment_count == 1
    page = client.get(_idea_url(box["idea"])).content.decode()
    assert f'id="commentaire-{new.pk}"' in page
    assert "<strong>Lyon</strong>" in page and "Commentaires (1)" in page


def test_script_in_a_comment_is_inert(box, client):
    """HTML and script typed in a comment never run on the idea's page."""
    comment(
        box["idea"], box["reader"], body='<script>alert("x")</script><img src=x onerror=alert(1)>'
    )
    client.force_login(box["author"])
    page = client.get(_idea_url(box["idea"])).content.decode()
    assert 'alert("x")' not in page and "onerror" not in page


@pytest.mark.parametrize(
    ("body", "message"),
    [("   ", "Le commentaire est vide."), ("x" * 5001, "5000 caractères au plus")],
)
def test_an_empty_or_too_long_comment_is_refused_in_french_and_the_text_kept(
    box, client, body, message
):
    """A 400 page says why and keeps what was typed; nothing is saved."""
    client.force_login(box["reader"])
    url = reverse("ideas:comment", args=[box["community"].slug, box["idea"].pk])
    response = client.post(url, {"body": body})
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content.replace("\u202f", " ").replace("&nbsp;", " ")
    if body.strip():
        assert body in content
    assert not IdeaComment.objects.exists()


def test_a_flood_of_comments_is_refused_with_429_and_the_text_kept(box, client):
    """Past the limit, the comment page answers 429 with the French message and the text."""
    for n in range(comments.COMMENT_LIMIT):
        comment(box["idea"], box["reader"], body=f"Commentaire {n}")
    client.force_login(box["reader"])
    url = reverse("ideas:comment", args=[box["community"].slug, box["idea"].pk])
    response = client.post(url, {"body": "Encore un avis"})
    assert response.status_code == 429
    assert "patientez quelques minutes" in response.content.decode()
    assert "Encore un avis" in response.content.decode()
    assert IdeaComment.objects.count() == comments.COMMENT_LIMIT


def test_who_may_not_contribute_may_not_comment(box, client):
    """An outsider of an open community reads the idea, sees why they can't comment, and a
    forged post is refused (403) without saving anything."""
    client.force_login(box["outsider"])
    page = client.get(_idea_url(box["idea"])).content.decode()
    assert "idea-comment-form" not in page
    assert "Seuls les membres de la communauté commentent les idées." in page
    url = reverse("ideas:comment", args=[box["community"].slug, box["idea"].pk])
    assert client.post(url, {"body": "Je passe par là"}).status_code == 403
    assert not IdeaComment.objects.exists()


def test_a_merged_idea_takes_no_comment(box):
    """A merged idea's comments went to its target: it takes no new one."""
    from ideas import services

    target = submit(box["community"], box["reader"], title="Covoiturage inter-sites")
    services.idea_merge(idea=box["idea"], target=target, actor=box["animator"])
    box["idea"].refresh_from_db()
    with pytest.raises(comments.CommentError, match="fusionnée"):
        comment(box["idea"], box["reader"])


def test_the_author_edits_their_comment_and_the_earlier_text_is_kept(box, client):
    """« modifié », the previous text in the history the animators read; anyone else gets 404."""
    mine = comment(box["idea"], box["reader"], body="Premier jet")
    urls = _comment_urls(mine)
    client.force_login(box["author"])
    assert client.get(urls["comment_edit"]).status_code == 404
    client.force_login(box["reader"])
    assert client.get(urls["comment_edit"]).status_code == 200
    response = client.post(urls["comment_edit"], {"body": "Version relue"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.body == "Version relue" and mine.edited_at is not None
    assert list(IdeaCommentRevision.objects.values_list("body", flat=True)) == ["Premier jet"]
    client.force_login(box["animator"])
    page = client.get(_idea_url(box["idea"])).content.decode()
    assert "Versions précédentes" in page and "Premier jet" in page
    client.force_login(box["author"])
    assert "Premier jet" not in client.get(_idea_url(box["idea"])).content.decode()


def test_an_emptied_edit_is_refused_and_the_comment_unchanged(box, client):
    mine = comment(box["idea"], box["reader"], body="Premier jet")
    client.force_login(box["reader"])
    response = client.post(_comment_urls(mine)["comment_edit"], {"body": ""})
    assert response.status_code == 400
    assert "Le commentaire est vide." in response.content.decode()
    mine.refresh_from_db()
    assert mine.body == "Premier jet"


def test_the_author_deletes_their_comment_and_it_shows_as_deleted(box, client):
    """The text leaves the page (kept in the history), the count drops; not audited."""
    mine = comment(box["idea"], box["reader"], body="À retirer")
    client.force_login(box["reader"])
    assert client.post(_comment_urls(mine)["comment_delete"]).status_code == 302
    mine.refresh_from_db()
    assert mine.is_deleted and mine.body == ""
    assert Idea.objects.get(pk=box["idea"].pk).comment_count == 0
    page = client.get(_idea_url(box["idea"])).content.decode()
    assert "Commentaire supprimé" in page and "À retirer" not in page
    assert not AuditLog.objects.filter(action="idea_comment_deleted").exists()


def test_an_animator_deletes_a_comment_and_it_is_audited(box, client):
    mine = comment(box["idea"], box["reader"], body="Hors sujet")
    client.force_login(box["animator"])
    client.post(_comment_urls(mine)["comment_delete"])
    assert AuditLog.objects.filter(
        action="idea_comment_deleted", target_agent=box["reader"]
    ).exists()
    client.force_login(box["author"])  # another member may not
    other = comment(box["idea"], box["reader"], body="Encore")
    client.post(_comment_urls(other)["comment_delete"])
    other.refresh_from_db()
    assert not other.is_deleted


def test_reactions_toggle_one_per_agent_and_emoji(box, client):
    """A click adds the emoji, a second takes it back; the page shows the count; a non-member
    may not react."""
    theirs = comment(box["idea"], box["reader"])
    url = _comment_urls(theirs)["comment_react"]
    client.force_login(box["author"])
    client.post(url, {"emoji": "💡"})
    assert IdeaCommentReaction.objects.filter(comment=theirs, emoji="💡").count() == 1
    page = client.get(_idea_url(box["idea"])).content.decode()
    assert "💡 1" in page
    client.post(url, {"emoji": "💡"})
    assert not IdeaCommentReaction.objects.exists()
    client.post(url, {"emoji": "abc"})  # not an emoji: refused
    assert not IdeaCommentReaction.objects.exists()
    client.force_login(box["outsider"])
    client.post(url, {"emoji": "👍"})
    assert not IdeaCommentReaction.objects.exists()


def test_mentions_name_members_only(box):
    """« @Prénom Nom » of a member is kept as a mention; a non-member's is not; the writer
    does not mention themself."""
    named = comment(
        box["idea"], box["reader"], mentions=[box["author"], box["outsider"], box["reader"]]
    )
    assert set(named.mentions.all()) == {box["author"]}


def test_forged_ids_answer_404(box, client):
    """Another idea's comment, another community's idea, garbage ids: 404, nothing changed."""
    other_idea = submit(box["community"], box["reader"], title="Autre chose")
    theirs = comment(other_idea, box["reader"])
    elsewhere = CommunityFactory(open=True)
    member(elsewhere, box["reader"])
    foreign = submit(elsewhere, box["reader"], title="Ailleurs")
    client.force_login(box["reader"])
    slug = box["community"].slug
    assert (
        client.get(
            reverse("ideas:comment_edit", args=[slug, box["idea"].pk, theirs.pk])
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("ideas:comment_delete", args=[slug, box["idea"].pk, theirs.pk])
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("ideas:comment", args=[slug, foreign.pk]), {"body": "x"}).status_code
        == 404
    )
    assert (
        client.post(
            reverse("ideas:comment_react", args=[slug, box["idea"].pk, 2**62]), {"emoji": "👍"}
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert not theirs.is_deleted


def test_comments_are_paged_by_20_and_a_garbage_page_is_the_first(box, client):
    """Page 2 holds the 21st comment on; ``?commentaires=abc`` and a huge page answer 200."""
    now = timezone.now()
    IdeaComment.objects.bulk_create(
        IdeaComment(
            idea=box["idea"],
            community=box["community"],
            author=box["reader"],
            body=f"Avis n° {n}",
            created_at=now - timedelta(seconds=100 - n),
        )
        for n in range(1, 26)
    )
    client.force_login(box["author"])
    url = _idea_url(box["idea"])
    first = client.get(url).content.decode()
    assert "Avis n° 20<" in first and "Avis n° 21<" not in first
    assert "Commentaires suivants" in first
    second = client.get(url + "?commentaires=2").content.decode()
    assert "Avis n° 21<" in second and "Avis n° 20<" not in second
    for garbage in ("abc", "-3", "9" * 30, "<script>"):
        assert client.get(url, {"commentaires": garbage}).status_code == 200
    late = comment(box["idea"], box["reader"], body="Le dernier")
    assert comments.comment_url(late, _abilities(box["reader"], box["community"])).endswith(
        f"?commentaires=2#commentaire-{late.pk}"
    )


def _abilities(agent, community):
    from ideas.permissions import idea_abilities

    return idea_abilities(agent, community)


def test_the_comments_cost_the_same_queries_with_5_or_40(box, client):
    """The idea's page reads one page of comments, their authors and reactions in bulk."""

    def count():
        client.force_login(box["animator"])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_idea_url(box["idea"])).status_code == 200
        return len(queries)

    def add(n):
        for i in range(n):
            writer = member(box["community"])
            c = IdeaComment.objects.create(
                idea=box["idea"], community=box["community"], author=writer, body=f"n° {i}"
            )
            IdeaCommentReaction.objects.create(comment=c, agent=writer, emoji="👍")

    add(5)
    few = count()
    add(35)
    assert count() <= few


def test_the_platform_box_comment_makes_a_state_agent_a_member(client):
    """In « Améliorer Maillage » a State agent comments without joining first, and joins."""
    from ideas import services

    box = services.platform_box()
    community = box.community
    author, passer_by = AgentFactory(), AgentFactory()
    idea = services.idea_submit(community=community, agent=author, title="Mode sombre", body="…")
    client.force_login(passer_by)
    page = client.get(_idea_url(idea)).content.decode()
    assert "En participant, vous rejoignez la communauté" in page
    url = reverse("ideas:comment", args=[community.slug, idea.pk])
    assert client.post(url, {"body": "Oui, pour les yeux."}).status_code == 302
    assert Membership.objects.filter(
        community=community, agent=passer_by, state=Membership.State.ACTIVE
    ).exists()


def test_each_comment_s_actions_lead_to_its_own_addresses(box, client):
    """The links under each comment are built once per page from reversed routes: each is the
    address ``reverse`` gives for that comment (the author's edit and delete, a member's
    reactions and report, the animators' hide and restore)."""
    from django.contrib.contenttypes.models import ContentType

    from communities.content.moderation import content_set_hidden

    first = comment(box["idea"], box["author"], "Premier avis.")
    second = comment(box["idea"], box["reader"], "Second avis.")
    content_set_hidden(content=second, actor=box["animator"], hidden=True)
    second.refresh_from_db()
    ct = ContentType.objects.get_for_model(IdeaComment).pk
    slug = box["community"].slug

    client.force_login(box["author"])
    page = client.get(_idea_url(box["idea"])).content.decode()
    urls = _comment_urls(first)
    for name in ("comment_edit", "comment_delete", "comment_react"):
        assert f'"{urls[name]}"' in page
    assert f'href="{box["author"].get_absolute_url()}"' in page

    client.force_login(box["animator"])
    page = client.get(_idea_url(box["idea"])).content.decode()
    hide = reverse("communities:moderate", args=[slug, ct, first.pk, "hide"])
    restore = reverse("communities:moderate", args=[slug, ct, second.pk, "restore"])
    report = reverse("communities:report", args=[slug, ct, first.pk])
    assert f'action="{hide}"' in page and f'action="{restore}"' in page
    assert f'href="{report}"' in page
    assert f'action="{urls["comment_react"]}"' in page
