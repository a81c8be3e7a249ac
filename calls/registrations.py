"""Everything the calls for projects register with the platform's floor, called once from
``CallsConfig``: the policy of calls and dossiers, the right to create a selected project's
community, the navigation entry « Appels à projets », the demo, the notification kinds. (A project's
community links back to its project from its description, written at its creation: no query on
every community page.)"""

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


def register():
    from calls import notification_kinds

    _register_policy()
    _register_pages()
    _register_demo()
    notification_kinds.register()
