"""What the directory adds to the platform's pages: its navigation entry and its dashboard
blocks (registered by ``DirectoryConfig``)."""

from django.utils.translation import gettext_lazy as _

from maillage.registries import register_dashboard_block, register_navigation

DASHBOARD_SUGGESTIONS = 5


def register():
    register_navigation("directory", label=_("Annuaire"), url="directory:search", order=20)
    register_dashboard_block(
        "profile",
        template="directory/dashboard/profile.html",
        context=profile_block,
        column="aside",
        order=10,
    )
    register_dashboard_block(
        "suggestions",
        template="directory/dashboard/suggestions.html",
        context=suggestions_block,
        column="aside",
        order=20,
    )


def profile_block(agent):
    from directory.profile import profile_completeness

    return {"completeness": profile_completeness(agent)}


def suggestions_block(agent):
    from directory.suggestions import suggestions_for

    return {
        # « Qui rencontrer ? »: one query, scored by the database (directory.suggestions).
        "suggestions": suggestions_for(agent, limit=DASHBOARD_SUGGESTIONS),
        "empty": _(
            "Renseignez vos compétences et rejoignez des communautés : nous vous suggérerons "
            "des collègues d'autres services qui travaillent sur les mêmes sujets."
        ),
    }
