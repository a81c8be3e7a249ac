"""Django's admin (/admin/) shows the agents, read-only: every change of an account goes through
the directory's services (profile, closure, roles), which keep the search text, the personal-data
rules and the audit in step — an edit here would skip them."""

from django.contrib import admin

from directory.models import Agent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and detail pages to look things up; no add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Agent)
class AgentAdmin(ReadOnlyAdmin):
    list_display = (
        "email",
        "last_name",
        "first_name",
        "service",
        "role",
        "is_external",
        "is_staff",
        "is_active",
        "date_joined",
        "closed_at",
    )
    list_filter = ("role", "is_external", "is_staff", "is_active")
    search_fields = ("email", "first_name", "last_name", "position")
    list_select_related = ("service",)
    exclude = ("password", "search_text", "groups", "user_permissions")
    ordering = ("last_name", "first_name")
