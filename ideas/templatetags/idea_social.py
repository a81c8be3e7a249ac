"""``{% idea_social %}``: the follow button and the comments of an idea's page
(``ideas/partials/idea_social.html``), computed here from what the page already has
(``community``, ``idea``, ``ab``, ``idea_ab``, the request), so that the idea's view needs to
know nothing of them: one page of 20 comments and their reactions, at a fixed number of
queries."""

from django import template
from django.contrib.contenttypes.models import ContentType

from ideas import comments, following
from ideas.models import IdeaComment
from maillage.french import de, long_datetime
from maillage.routes import reversed_once

register = template.Library()


@register.inclusion_tag("ideas/partials/idea_comments.html", takes_context=True)
def idea_social(context):
    request = context["request"]
    idea, ia = context["idea"], context["idea_ab"]
    agent = request.user
    page = comments.comment_page(
        agent, idea, ia, comments.page_number(request.GET.get("commentaires"))
    )
    from ideas.views.social import CommentForm

    comment_ct = ContentType.objects.get_for_model(IdeaComment)
    _hang_links(page.comments, context["community"], idea, comment_ct)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "community": context["community"],
        "ab": context["ab"],
        "idea_ab": ia,
        "idea": idea,
        "page": page,
        "comments": page.comments,
        "following": following.is_following(agent, idea),
        "may_follow": agent.is_authenticated and not idea.is_merged and not idea.is_hidden,
        "can_comment": ia.can_comment(idea),
        "form": CommentForm(),
        "reaction_choices": comments.REACTIONS,
        "comment_ct": comment_ct,
    }


def _hang_links(rows, community, idea, comment_ct):
    """Each comment's links and the words the template repeats (the author's « de … », dates),
    from routes reversed once per page: per comment, ``reverse`` and the ``|de`` filter in the
    template cost about 1.3 ms, most of a page of 20 comments."""
    slug = community.slug
    react = reversed_once("ideas:comment_react", slug, idea.pk, ...)
    edit = reversed_once("ideas:comment_edit", slug, idea.pk, ...)
    delete = reversed_once("ideas:comment_delete", slug, idea.pk, ...)
    report = reversed_once("communities:report", slug, comment_ct.pk, ...)
    moderate = reversed_once("communities:moderate", slug, comment_ct.pk, ..., ...)
    profile = reversed_once("directory:profile", ...)
    for comment in rows:
        comment.author_url = profile(comment.author_id)
        comment.author_de = de(comment.author.display_name)
        comment.created_label = long_datetime(comment.created_at)
        comment.react_url = react(comment.pk)
        comment.edit_url = edit(comment.pk)
        comment.delete_url = delete(comment.pk)
        comment.report_url = report(comment.pk)
        comment.moderate_url = moderate(comment.pk, "restore" if comment.is_hidden else "hide")
