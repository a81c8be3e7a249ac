"""Everything the calls for projects register with the platform's floor, called once from
``CallsConfig``: the policy of calls and dossiers, the right to create a selected project's
community, the navigation entry « Appels à projets », the demo, the notification kinds, the
periodic jobs of the follow-up (indicator reminders, retention purge) and the featured stories on
a region's page. (A project's community links back to its project from its description, written
at its creation: no query on every community page.)"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _register_policy():
    from calls.models import Call, Dossier
    from calls.permissions import (
        calls_readable_by,
        dossier_abilities,
        dossiers_readable_by,
        object_abilities,
        roles_on_call,
        roles_on_dossier,
    )
    from communities.permissions import register_creation_right
    from directory.roles import register_object_roles
    from maillage import policy

    policy.register(Call, abilities=object_abilities, readable=calls_readable_by)
    policy.register(Dossier, abilities=object_abilities, readable=dossiers_readable_by)
    register_object_roles(Call, roles_on_call)
    register_object_roles(Dossier, roles_on_dossier)
    register_creation_right(
        Dossier, lambda agent, dossier: dossier_abilities(agent, dossier).can_create_community
    )


def _signed_in(request):
    return request.user.is_authenticated


def _register_pages():
    from maillage.registries import register_navigation

    register_navigation(
        "calls",
        label=_("Appels à projets"),
        url=lambda request: reverse("calls:index"),
        order=70,
        visible=_signed_in,
    )


def _register_demo():
    from calls.demo import ACCOUNTS, load_demo_calls, summary
    from maillage import demo

    demo.register(80, load_demo_calls, summary=summary)
    demo.register_accounts(ACCOUNTS)


def _register_follow_up():
    from calls.indicators import reminders_tick
    from calls.retention import purge_tick
    from calls.stories import region_section
    from directory.sections import register_section
    from maillage import schedule

    # Safe to run often: a reminder per (indicator, due date), a purge per dossier, logged.
    schedule.register("calls.indicator_reminders", reminders_tick, every=15 * 60)
    schedule.register("calls.retention_purge", purge_tick, every=60 * 60)
    # The stories of closed projects the region's SGAR officer features, on the region's page.
    register_section(
        "region",
        "calls_stories",
        template="calls/stories/region_section.html",
        context=region_section,
        order=60,
    )


def register():
    from calls import notification_kinds

    _register_policy()
    _register_pages()
    _register_demo()
    _register_follow_up()
    notification_kinds.register()
