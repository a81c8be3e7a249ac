"""The platform's roles, in one place: who an agent is for the whole platform, whatever the
community.

- **administrator** (``Agent.Role.ADMIN``, or a superuser): sees and moderates every community,
  creates, archives and restores them, uses the back-office;
- **SGAR officer** of one region (``Agent.Role.SGAR`` + ``sgar_region``): the steering figures of
  their region, the directory's CSV export — never a community's content for that;
- **external partner** (``is_external``): reaches only the communities they were invited to and
  their members' profiles;
- **agent**: every other signed-in State agent.

Roles held *on an object* — a call's managers, a dossier's team, experts and committee members
(the calls for projects) — belong to the app that owns the object, which registers how to read
them: ``register_object_roles(Call, reader)``; ``roles_on(agent, call)`` then answers for any
object. The permission modules (``communities.permissions``, each tool's, the calls') ask here
rather than reading the agent's fields.

The back-office side of the administrator role is a Django group (``PLATFORM_ADMIN_GROUP``),
kept in step with the role by ``sync_platform_admin_group``.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page

PLATFORM_ADMIN_GROUP = "Administrateurs de la plateforme"

MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("directory", "add_service"),
    ("directory", "change_service"),
    ("directory", "delete_service"),
    ("directory", "view_service"),
    ("directory", "change_agent"),
    ("directory", "view_agent"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("communities", "add_theme"),
    ("communities", "change_theme"),
    ("communities", "delete_theme"),
    ("communities", "view_theme"),
    ("communities", "change_chartertemplate"),
]
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


def platform_admin_group():
    """Return the group, creating it and granting its permissions on first use (idempotent)."""
    group, created = Group.objects.get_or_create(name=PLATFORM_ADMIN_GROUP)
    # A permission added to the list later reaches groups created before it.
    if created or group.permissions.count() < len(MODEL_PERMISSIONS):
        for app_label, codename in MODEL_PERMISSIONS:
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                group.permissions.add(permission)
        root = Page.get_first_root_node()
        if root is not None:
            for codename in PAGE_PERMISSIONS:
                permission = Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                )
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root, permission=permission
                )
    return group


def sync_platform_admin_group(agent):
    """Put platform administrators in the group and everybody else out of it."""
    group = platform_admin_group()
    if agent.role == agent.Role.ADMIN:
        agent.groups.add(group)
    else:
        agent.groups.remove(group)


# --- who is asking ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Principal:
    """What the platform knows of who is asking."""

    agent: object

    @property
    def signed_in(self):
        return bool(self.agent.is_authenticated and self.agent.is_active)

    @property
    def is_platform_admin(self):
        return self.signed_in and (
            self.agent.role == self.agent.Role.ADMIN or self.agent.is_superuser
        )

    @property
    def is_sgar_officer(self):
        return self.signed_in and self.agent.role == self.agent.Role.SGAR

    @property
    def sgar_region_id(self):
        """The region an SGAR officer follows (None for anyone else)."""
        return self.agent.sgar_region_id if self.is_sgar_officer else None

    def follows_region(self, region_id):
        return self.sgar_region_id is not None and self.sgar_region_id == region_id

    @property
    def is_external(self):
        return self.signed_in and self.agent.is_external

    @property
    def is_state_agent(self):
        return self.signed_in and not self.agent.is_external

    @property
    def can_export_agents(self):
        """Export a directory search: SGAR officers (their steering work) and administrators."""
        return self.is_state_agent and (self.is_platform_admin or self.is_sgar_officer)


def principal(agent):
    return Principal(agent=agent)


# --- roles held on an object --------------------------------------------------------------------

_object_roles = {}


def register_object_roles(model, reader):
    """``reader(agent, obj) -> set of role names`` (« gestionnaire », « expert »…) for the
    objects of ``model``."""
    _object_roles[model] = reader


def roles_on(agent, obj):
    """The roles ``agent`` holds on ``obj`` (an empty set for an object without registered
    roles, or for whoever is not signed in)."""
    if not principal(agent).signed_in:
        return set()
    for klass in type(obj).__mro__:
        if klass in _object_roles:
            return set(_object_roles[klass](agent, obj))
    return set()
