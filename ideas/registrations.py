"""Everything the idea box registers with the platform's floor, called once from ``IdeasConfig``:
the policy of its objects, the content contract, the audit labels, the metrics (here); the tool
switch, menu, navigation and dashboard (``ideas.pages``); the demo; the social part."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "idea_edited": _("Idée modifiée par l'animation"),
    "idea_merged": _("Idée fusionnée avec une autre"),
    "idea_box_settings": _("Réglages de la boîte à idées modifiés"),
}


def _register_policy():
    from ideas.models import Idea, IdeaBox, IdeaComment, IdeaStatusChange
    from ideas.permissions import (
        boxes_readable_by,
        comments_readable_by,
        ideas_readable_by,
        object_abilities,
        status_changes_readable_by,
    )
    from maillage import policy

    policy.register(IdeaBox, abilities=object_abilities, readable=boxes_readable_by)
    policy.register(Idea, abilities=object_abilities, readable=ideas_readable_by)
    policy.register(IdeaComment, abilities=object_abilities, readable=comments_readable_by)
    policy.register(
        IdeaStatusChange, abilities=object_abilities, readable=status_changes_readable_by
    )


def _register_content():
    from communities.content import audit, register_content
    from ideas.models import Idea, IdeaComment
    from ideas.moderation import comment_hidden
    from ideas.workflow import AUDIT_ACTIONS as STATUS_ACTIONS
    from maillage.markup import plain_text

    register_content(
        Idea,
        label=_("idée"),
        text=lambda idea: idea.title,
        children=lambda idea: [idea.comments.all()],
        tool="ideas",
    )
    register_content(
        IdeaComment,
        label=_("commentaire d'idée"),
        text=lambda comment: plain_text(comment.body, 120) or "(commentaire supprimé)",
        tool="ideas",
        on_hidden=comment_hidden,
    )
    for code, label in {**AUDIT_ACTIONS, **STATUS_ACTIONS}.items():
        audit.register_action(code, label)


def register():
    _register_policy()
    _register_content()
    from ideas import search

    search.register()
    from ideas import metrics

    metrics.register()
    from ideas import pages  # the tool switch, menu entry, navigation link, dashboard block

    pages.register()
    from ideas.demo import load_demo_ideas, summary
    from maillage import demo

    demo.register(70, load_demo_ideas, summary=summary)
    from ideas import social

    social.register()
