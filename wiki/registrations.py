"""Everything the wiki app registers with the platform's floor, called once from ``WikiConfig``."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "wiki_page_protected": _("Page de wiki protégée"),
    "wiki_page_unprotected": _("Protection d'une page de wiki levée"),
    "wiki_settings_updated": _("Réglages du wiki modifiés"),
}


def _register_policy():
    from maillage import policy
    from wiki.models import Page, Revision
    from wiki.permissions import object_abilities, pages_readable_by, revisions_readable_by

    policy.register(Page, abilities=object_abilities, readable=pages_readable_by)
    policy.register(Revision, abilities=object_abilities, readable=revisions_readable_by)


def _register_content():
    from communities.content import audit, register_content
    from wiki.models import Page

    register_content(
        Page,
        label=_("page de wiki"),
        text=lambda page: page.title,
        tool="wiki",
    )
    for code, label in AUDIT_ACTIONS.items():
        audit.register_action(code, label)


def register():
    _register_policy()
    _register_content()
    from wiki import search

    search.register()
    from wiki import pages

    pages.register()
    from maillage import demo
    from wiki.demo import load_demo_wiki

    demo.register(50, load_demo_wiki)
    from wiki import social  # following, notifications, moderation hooks, personal data

    social.register()
