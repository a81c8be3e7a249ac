"""The action bar under each post of a topic page (``{% post_toolbar post %}``), built in Python.

A topic page shows 20 posts, each with up to a dozen actions (« utile », five reactions, quote,
solution, edit, delete, history, report, hide), most of them a form with its URL and CSRF field.
As template code they cost about 3.5 ms a post, two thirds of the page's time at a million posts
(README « Forums at a million posts »). Built here as strings, from URLs reversed once
per page, they cost a small fraction of that, with the same DSFR markup. What each agent may do
is decided by the view (``post.can_*``, from ``forums.permissions``), never here.
"""

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from maillage.routes import reversed_once

register = template.Library()

_POST_ROUTES = ("post_react", "post_vote", "post_edit", "post_delete", "post_history", "post_hide")


class _PageLinks:
    """The URLs and the CSRF field of one rendered topic page, computed at its first post."""

    def __init__(self, context):
        community = context["community"]
        topic = context["topic"]
        # Each route reversed once per page, a function of the post's id (maillage.routes).
        self.routes = {
            name: reversed_once(f"forums:{name}", community.slug, ...) for name in _POST_ROUTES
        }
        self.solution = reverse("forums:solution", args=[community.slug, topic.pk])
        post_ct = context.get("post_ct")
        self.report = (
            reversed_once("communities:report", community.slug, post_ct.pk, ...)
            if post_ct is not None
            else None
        )
        request = context.get("request")
        token = get_token(request) if request is not None else ""
        self.csrf = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token
        )
        forum_ab = context["forum_ab"]
        self.may_contribute = forum_ab.can_contribute
        self.may_moderate = forum_ab.can_moderate
        self.may_report = forum_ab.can_report
        page_obj = context.get("page_obj")
        self.page_number = page_obj.number if page_obj is not None else 1

    def url(self, name, post_id):
        return self.report(post_id) if name == "report" else self.routes[name](post_id)


def _links(context):
    """The page's links, computed at its first post (each ``{% include %}`` of a post has its own
    render context, so they are kept on the request, per topic page)."""
    request = context.get("request")
    key = (context["topic"].pk, getattr(context.get("page_obj"), "number", 1))
    cache = request.__dict__.setdefault("_forum_post_links", {}) if request is not None else {}
    links = cache.get(key)
    if links is None:
        links = cache[key] = _PageLinks(context)
    return links


def _reactions(post, links, may_react):
    if not post.reaction_list:
        return ""
    items = []
    for reaction in post.reaction_list:
        emoji = escape(reaction["emoji"])
        label = f"{emoji} {int(reaction['n'])}"
        if may_react:
            items.append(
                f'<li><form method="post" action="{links.url("post_react", post.pk)}"'
                f' class="fr-tag-form">{links.csrf}<input type="hidden" name="emoji"'
                f' value="{emoji}"><button type="submit" class="fr-tag fr-tag--sm"'
                f' aria-pressed="{"true" if reaction["mine"] else "false"}">{label}</button></form></li>'
            )
        else:
            items.append(f'<li><p class="fr-tag fr-tag--sm">{label}</p></li>')
    return (
        f'<ul class="fr-tags-group fr-mb-1w" aria-label="Réactions au message n° {post.number}">'
        f"{''.join(items)}</ul>"
    )


def _button_link(url, icon, label, sr_text, number):
    return (
        f'<li><a class="fr-btn fr-btn--tertiary-no-outline fr-btn--sm {icon}" href="{url}">'
        f'{label}<span class="fr-sr-only"> {sr_text} n° {number}</span></a></li>'
    )


@register.simple_tag(takes_context=True)
def post_toolbar(context, post):
    """The reactions, the actions and the animators' hide button of one post. Every value put in
    the markup is a number, a URL reversed from ids and a slug, or escaped text."""
    links = _links(context)
    topic = context["topic"]
    number = int(post.number)
    pk = int(post.pk)
    deleted = post.is_deleted
    csrf = links.csrf
    parts = [_reactions(post, links, links.may_contribute and not deleted)]
    buttons = []
    if not deleted:
        buttons.append(
            f'<li><span class="fr-text--sm fr-mr-1w" data-testid="post-votes">'
            f"{int(post.vote_count)} « utile »</span></li>"
        )
    if post.can_vote:
        voted = post.voted
        icon = "fr-icon-thumb-up-fill" if voted else "fr-icon-thumb-up-line"
        buttons.append(
            f'<li><form method="post" action="{links.url("post_vote", pk)}">{csrf}'
            f'<input type="hidden" name="utile" value="{"0" if voted else "1"}">'
            f'<button type="submit" class="fr-btn fr-btn--tertiary fr-btn--sm {icon}"'
            f' aria-pressed="{"true" if voted else "false"}" data-testid="post-vote">Utile'
            f'<span class="fr-sr-only"> : le message n° {number}</span></button></form></li>'
        )
    if post.can_react:
        choices = "".join(
            f'<button type="submit" name="emoji" value="{escape(emoji)}" class="fr-btn'
            f' fr-btn--tertiary-no-outline fr-btn--sm" title="{escape(name)}">{escape(emoji)}'
            f'<span class="fr-sr-only"> {escape(name)} : réagir au message n° {number}</span>'
            "</button>"
            for emoji, name in context["reaction_choices"]
        )
        buttons.append(
            f'<li><form method="post" action="{links.url("post_react", pk)}" class="forum-react"'
            f' aria-label="Réagir au message n° {number}">{csrf}{choices}</form></li>'
        )
    if context.get("can_reply") and not deleted:
        buttons.append(
            _button_link(
                f"?page={links.page_number}&amp;citer={pk}#repondre",
                "fr-icon-chat-quote-line",
                "Citer",
                "le message",
                number,
            )
        )
    if post.can_mark_solution:
        if topic.solution_id == pk:
            field, label = (
                '<input type="hidden" name="action" value="retirer">',
                ("Ce n'est plus la solution"),
            )
        else:
            field, label = (
                f'<input type="hidden" name="post" value="{pk}">',
                ("Marquer comme solution"),
            )
        buttons.append(
            f'<li><form method="post" action="{links.solution}">{csrf}{field}'
            f'<button type="submit" class="fr-btn fr-btn--tertiary-no-outline fr-btn--sm'
            f' fr-icon-check-line" data-testid="mark-solution">{label}'
            f'<span class="fr-sr-only"> (message n° {number})</span></button></form></li>'
        )
    if post.can_edit:
        buttons.append(
            _button_link(
                links.url("post_edit", pk), "fr-icon-edit-line", "Modifier", "le message", number
            )
        )
    if post.can_delete:
        buttons.append(
            _button_link(
                links.url("post_delete", pk),
                "fr-icon-delete-line",
                "Supprimer",
                "le message",
                number,
            )
        )
    if post.can_see_history and (post.edited_at or deleted):
        buttons.append(
            _button_link(
                links.url("post_history", pk),
                "fr-icon-history-line",
                "Historique",
                "du message",
                number,
            )
        )
    if links.may_report and not deleted and links.report:
        buttons.append(
            _button_link(
                links.url("report", pk), "fr-icon-flag-line", "Signaler", "le message", number
            )
        )
    parts.append(
        '<ul class="fr-btns-group fr-btns-group--inline-sm fr-btns-group--icon-left">'
        f"{''.join(buttons)}</ul>"
    )
    # The animators hide or restore a reply; the opening post goes with its topic
    # (« Masquer le sujet »).
    if links.may_moderate and number > 1 and not deleted:
        hidden = post.is_hidden
        parts.append(
            f'<form method="post" action="{links.url("post_hide", pk)}" class="fr-mt-1w">{csrf}'
            f'<input type="hidden" name="action" value="{"retablir" if hidden else "masquer"}">'
            '<button type="submit" class="fr-btn fr-btn--tertiary-no-outline fr-btn--sm'
            f' fr-btn--icon-left {"fr-icon-eye-line" if hidden else "fr-icon-eye-off-line"}"'
            f' data-testid="post-hide">{"Rétablir" if hidden else "Masquer"}'
            f'<span class="fr-sr-only"> le message n° {number}</span></button></form>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - built above from numbers, URLs, escaped text
