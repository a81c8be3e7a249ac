"""Members edit and delete their own comments on announcements, as they can their chat messages
(issue 13, item 6): the edit is marked « modifié », a deletion shows « Commentaire supprimé », the
previous text stays for the animators."""

import pytest
from django.urls import reverse

from communities.models import AnnouncementComment, AnnouncementCommentRevision, AuditLog
from tests.communities.content_helpers import add_member, ban, build_world, fresh, make_community
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def edit_url(comment):
    return reverse(
        "communities:comment_edit",
        args=[comment.community.slug, comment.announcement_id, comment.pk],
    )


def delete_url(comment):
    return reverse(
        "communities:comment_delete",
        args=[comment.community.slug, comment.announcement_id, comment.pk],
    )


@pytest.fixture
def world():
    world = build_world()
    world.outsider = AgentFactory(email="dehors@ddt.gouv.fr")
    world.banned = ban(world.community, add_member(world.community), world.animator)
    return world


# (status of the POST, whether the comment changed), written out for each persona.
EDIT = {
    "author": (302, True),
    "other_member": (404, False),
    "animator": (404, False),
    "outsider": (404, False),
    "banned": (404, False),
}
DELETE = {
    "author": (302, True),
    "other_member": (302, False),  # told why on the page it goes back to
    "animator": (302, True),
    "outsider": (302, False),
    "banned": (404, False),  # the community's content is closed to them
}
PERSONA_OF = {
    "author": "member",
    "other_member": "newcomer_who_accepted",
    "animator": "animator",
    "outsider": "outsider",
    "banned": "banned",
}


def _persona(world, persona):
    if persona == "other_member":
        return add_member(world.community)
    return getattr(world, PERSONA_OF[persona])


@pytest.mark.parametrize("persona", sorted(EDIT))
def test_edit_permission_matrix(client, world, persona):
    """Only the author edits their comment; everyone else gets a 404 and the text stays."""
    client.force_login(_persona(world, persona))
    response = client.post(edit_url(world.comment), {"body": "Texte corrigé"})
    status, changed = EDIT[persona]
    assert response.status_code == status
    comment = fresh(world.comment)
    assert (comment.body == "Texte corrigé") is changed
    assert (comment.edited_at is not None) is changed


@pytest.mark.parametrize("persona", sorted(DELETE))
def test_delete_permission_matrix(client, world, persona):
    """The author and the animators delete a comment; other members, outsiders and banned
    agents cannot."""
    client.force_login(_persona(world, persona))
    response = client.post(delete_url(world.comment))
    status, deleted = DELETE[persona]
    assert response.status_code == status
    assert fresh(world.comment).is_deleted is deleted


def test_the_author_sees_edit_and_delete_others_do_not(client, world):
    """The announcement's page offers « Modifier » and « Supprimer » on the author's own comment,
    « Supprimer » only to the animators, neither to other members."""
    page = world.announcement.get_absolute_url()
    client.force_login(world.member)
    html = client.get(page).content.decode()
    assert 'data-testid="comment-edit"' in html and 'data-testid="comment-delete"' in html
    client.force_login(world.animator)
    html = client.get(page).content.decode()
    assert 'data-testid="comment-edit"' not in html and 'data-testid="comment-delete"' in html
    client.force_login(add_member(world.community))
    html = client.get(page).content.decode()
    assert 'data-testid="comment-edit"' not in html and 'data-testid="comment-delete"' not in html


def test_edit_without_javascript_marks_the_comment_modified(client, world):
    """The edit page pre-fills the text; once saved the comment says « modifié » with the date in
    its title, and the animators read the previous text."""
    client.force_login(world.member)
    form = client.get(edit_url(world.comment))
    assert form.status_code == 200
    assert "Je serai présent." in form.content.decode()
    response = client.post(edit_url(world.comment), {"body": "Je serai présente."})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#commentaire-{world.comment.pk}")
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="comment-edited"' in html and 'title="Modifié le ' in html
    assert "Je serai présente." in html and "Je serai présent.<" not in html
    assert 'data-testid="comment-revisions"' not in html  # members do not read the history
    revision = AnnouncementCommentRevision.objects.get(comment=world.comment)
    assert revision.body == "Je serai présent." and revision.replaced_by == world.member
    client.force_login(world.animator)
    html = client.get(world.announcement.get_absolute_url()).content.decode()
    assert 'data-testid="comment-revisions"' in html and "Je serai présent." in html


def test_deleted_comment_shows_as_deleted(client, world):
    """A deleted comment shows « Commentaire supprimé » without its text; the animators keep it
    in the history; an animator's deletion is in the audit log."""
    client.force_login(world.animator)
    client.post(delete_url(world.comment))
    client.force_login(world.member)
    html = client.get(world.announcement.get_absolute_url()).content.decode()
    assert "Commentaire supprimé" in html and "Je serai présent." not in html
    assert 'data-testid="comment-delete"' not in html and 'data-testid="comment-edit"' not in html
    assert AuditLog.objects.filter(action="comment_deleted", target_agent=world.member).exists()
    # Deleted: no more edits.
    assert client.post(edit_url(world.comment), {"body": "Revenu"}).status_code == 404
    assert fresh(world.comment).body == ""


def test_forged_ids_of_another_communitys_comment_are_404(client, world):
    """A comment id of another community, or of another announcement, answers 404 and changes
    nothing, even for the animator of the first community."""
    other = make_community(name="Autre communauté")
    other_member = add_member(other)
    from communities import services

    other_announcement = services.announcement_create(
        community=other,
        actor=fresh(other.memberships.get(role="animator").agent),
        title="Ailleurs",
        body="Texte",
    )
    foreign = services.comment_create(
        announcement=other_announcement, agent=other_member, body="Pas chez vous"
    )
    slug, announcement_id = world.community.slug, world.announcement.pk
    forged = [
        f"/communautes/{slug}/annonces/{announcement_id}/commentaires/{foreign.pk}/",
        f"/communautes/{slug}/annonces/{other_announcement.pk}/commentaires/{foreign.pk}/",
        f"/communautes/{slug}/annonces/{announcement_id}/commentaires/99999999/",
    ]
    client.force_login(world.animator)
    for prefix in forged:
        assert client.post(prefix + "supprimer/").status_code == 404, prefix
    client.force_login(other_member)
    for prefix in forged:
        assert client.post(prefix + "modifier/", {"body": "x"}).status_code == 404, prefix
    foreign = AnnouncementComment.objects.get(pk=foreign.pk)
    assert foreign.body == "Pas chez vous" and not foreign.is_deleted


def test_html_in_an_edited_comment_is_sanitised(client, world):
    """HTML and script typed in an edit are shown as text, never run."""
    client.force_login(world.member)
    client.post(
        edit_url(world.comment), {"body": '<script>alert("x")</script><img src=x onerror=y>'}
    )
    html = client.get(world.announcement.get_absolute_url()).content.decode()
    assert '<script>alert("x")' not in html and "<img src=x" not in html
    assert "onerror=y>" not in html


def test_empty_edit_is_refused_in_french(client, world):
    """An empty edit is refused with a French message, the text kept."""
    client.force_login(world.member)
    response = client.post(edit_url(world.comment), {"body": "   "})
    assert response.status_code == 400
    assert "Écrivez votre commentaire" in response.content.decode()
    assert fresh(world.comment).body == "Je serai présent."


def test_a_banned_author_can_neither_edit_nor_delete(client, world):
    """An author banned since loses their comments' edit and delete."""
    ban(world.community, world.member, world.animator)
    client.force_login(world.member)
    assert client.post(edit_url(world.comment), {"body": "x"}).status_code == 404
    assert client.post(delete_url(world.comment)).status_code == 404
    comment = fresh(world.comment)
    assert comment.body == "Je serai présent." and not comment.is_deleted
