"""The Django group that carries the platform administrators' back-office permissions."""

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
