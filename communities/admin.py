"""Django's admin (/admin/) shows the communities, their memberships and the proposals,
read-only: creating, editing, archiving a community and changing a membership go through
``communities.services`` (policy, audit log, the animators' community, notifications), which an
edit here would skip. Platform administrators act from the communities' own pages."""

from django.contrib import admin

from communities.models import Community, CommunityProposal, Membership
from directory.admin import ReadOnlyAdmin


@admin.register(Community)
class CommunityAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "kind",
        "visibility",
        "scope",
        "member_count",
        "created_at",
        "archived_at",
    )
    list_filter = ("kind", "visibility", "scope", ("archived_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "slug", "description", "objective")
    date_hierarchy = "created_at"


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("agent", "community", "state", "role", "joined_at", "created_at")
    list_filter = ("state", "role")
    search_fields = (
        "agent__email",
        "agent__first_name",
        "agent__last_name",
        "community__name",
    )
    list_select_related = ("agent", "community")
    raw_id_fields = ("agent", "community", "invited_by", "charter_accepted")


@admin.register(CommunityProposal)
class CommunityProposalAdmin(ReadOnlyAdmin):
    list_display = ("name", "proposer", "kind", "visibility", "status", "created_at", "decided_at")
    list_filter = ("status", "kind", "visibility")
    search_fields = ("name", "objective", "proposer__email", "proposer__last_name")
    list_select_related = ("proposer",)
