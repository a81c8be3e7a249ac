"""Everything the forums register with the platform's floor, called once from ``ForumsConfig``."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "forum_post_deleted": _("Message de forum supprimé par l'animation"),
    "forum_category_created": _("Catégorie de forum créée"),
    "forum_category_updated": _("Catégorie de forum modifiée"),
    "forum_category_deleted": _("Catégorie de forum supprimée"),
}


def _register_policy():
    from forums.models import Category, Post, Topic
    from forums.permissions import (
        categories_readable_by,
        object_abilities,
        posts_readable_by,
        topics_readable_by,
    )
    from maillage import policy

    policy.register(Category, abilities=object_abilities, readable=categories_readable_by)
    policy.register(Topic, abilities=object_abilities, readable=topics_readable_by)
    policy.register(Post, abilities=object_abilities, readable=posts_readable_by)


def _register_content():
    from communities.content import audit, register_content
    from forums.animation import post_hidden
    from forums.models import Post, Topic
    from maillage.markup import plain_text

    register_content(
        Topic,
        label=_("sujet de forum"),
        text=lambda topic: topic.title,
        children=lambda topic: [topic.posts.all()],
        tool="forum",
    )
    register_content(
        Post,
        label=_("message de forum"),
        text=lambda post: plain_text(post.body, 120) or "(message supprimé)",
        tool="forum",
        on_hidden=post_hidden,
    )
    for code, label in AUDIT_ACTIONS.items():
        audit.register_action(code, label)


def register():
    _register_policy()
    _register_content()
    from forums import search

    search.register()
    from forums import pages

    pages.register()
    from forums.demo import load_demo_forums
    from maillage import demo

    demo.register(40, load_demo_forums)
    from forums import social  # following, notifications, animation, live page, personal data

    social.register()
