"""The one moderation on the idea box's comments: a member reports one, an animator hides and
restores it from the idea's page; a hidden comment leaves the members' page and the idea's
count (the lists sort on it) and comes back with both."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from communities.content.moderation import content_set_hidden
from ideas.models import Idea, IdeaComment
from tests.factories import CommunityFactory
from tests.ideas.social_helpers import comment, member, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def box():
    community = CommunityFactory(open=True)
    animator, author, reader = (
        member(community, animator=True),
        member(community),
        member(community),
    )
    idea = submit(community, author)
    return {
        "community": community,
        "animator": animator,
        "author": author,
        "reader": reader,
        "idea": idea,
        "comment": comment(idea, reader, body="Un avis tranché"),
    }


def _moderate_url(box, action):
    content_type = ContentType.objects.get_for_model(IdeaComment)
    return reverse(
        "communities:moderate",
        args=[box["community"].slug, content_type.pk, box["comment"].pk, action],
    )


def test_members_see_report_and_animators_hide(box, client):
    """A member sees « Signaler » on others' comments; an animator sees « Masquer »."""
    client.force_login(box["author"])
    page = client.get(box["idea"].get_absolute_url()).content.decode()
    assert 'data-testid="comment-report"' in page and 'data-testid="comment-moderate"' not in page
    client.force_login(box["animator"])
    page = client.get(box["idea"].get_absolute_url()).content.decode()
    assert 'data-testid="comment-moderate"' in page and "Masquer" in page


def test_hiding_a_comment_takes_it_out_of_the_page_and_the_count(
    box, client, django_capture_on_commit_callbacks
):
    """Hidden from the idea's page, the count drops; restored, both come back."""
    assert Idea.objects.get(pk=box["idea"].pk).comment_count == 1
    client.force_login(box["animator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_moderate_url(box, "hide"), {"next": box["idea"].get_absolute_url()})
    assert response.status_code == 302
    assert IdeaComment.objects.get(pk=box["comment"].pk).is_hidden
    assert Idea.objects.get(pk=box["idea"].pk).comment_count == 0
    page = client.get(box["idea"].get_absolute_url()).content.decode()
    assert "Un avis tranché" in page and 'data-testid="comment-hidden"' in page
    client.force_login(box["author"])
    page = client.get(box["idea"].get_absolute_url()).content.decode()
    assert "Un avis tranché" not in page
    box["comment"].refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        content_set_hidden(content=box["comment"], actor=box["animator"], hidden=False)
    assert Idea.objects.get(pk=box["idea"].pk).comment_count == 1


def test_a_hidden_comment_takes_no_edit_or_reaction(box, client):
    """Its author may not edit it (404) nor anyone react to it."""
    box["comment"].is_hidden = True
    box["comment"].save(update_fields=["is_hidden"])
    client.force_login(box["reader"])
    url = reverse(
        "ideas:comment_edit", args=[box["community"].slug, box["idea"].pk, box["comment"].pk]
    )
    assert client.get(url).status_code == 404
