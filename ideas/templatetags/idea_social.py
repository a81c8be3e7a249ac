"""``{% idea_social %}``: the follow button and the comments of an idea's page
(``ideas/partials/idea_social.html``), computed here from what the page already has
(``community``, ``idea``, ``ab``, ``idea_ab``, the request), so that the idea's view needs to
know nothing of them: one page of 20 comments and their reactions, at a fixed number of
queries."""

from django import template
from django.contrib.contenttypes.models import ContentType

from ideas import comments, following
from ideas.models import IdeaComment

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
        "comment_ct": ContentType.objects.get_for_model(IdeaComment),
    }
