"""Back-office screens for platform administrators: services and agents' roles."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet

from directory.models import Agent, Service
from directory.services import agent_set_role


class ServiceViewSet(ModelViewSet):
    model = Service
    icon = "site"
    menu_label = _("Services")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["short_name", "name", "kind", "ministry", "region", "department"]
    list_filter = ["kind", "ministry", "region"]
    search_fields = ["name", "short_name", "city"]
    form_fields = ["name", "short_name", "slug", "kind", "ministry", "region", "department", "city"]
    copy_view_enabled = False


class AgentRoleForm(forms.ModelForm):
    class Meta:
        model = Agent
        fields = ["role", "sgar_region"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Agent.Role.SGAR and not cleaned.get("sgar_region"):
            raise ValidationError({"sgar_region": _("Un chargé de mission SGAR suit une région.")})
        return cleaned

    def save(self, commit=True):
        return agent_set_role(
            agent=self.instance,
            role=self.cleaned_data["role"],
            sgar_region=self.cleaned_data.get("sgar_region"),
        )


class AgentRoleViewSet(ModelViewSet):
    model = Agent
    icon = "user"
    menu_label = _("Rôles des agents")
    menu_order = 310
    add_to_admin_menu = True
    url_prefix = "roles-agents"
    list_display = [
        TitleColumn("display_name", label=_("Nom"), url_name="agent_roles:edit"),
        "email",
        "service",
        "role",
        "sgar_region",
    ]
    list_filter = ["role", "sgar_region"]
    search_fields = ["first_name", "last_name", "email"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return AgentRoleForm

    # Agents are created by sign-up and closed by themselves: here, roles are only edited.
    def get_common_view_kwargs(self, **kwargs):
        return {
            **super().get_common_view_kwargs(**kwargs),
            "add_url_name": None,
            "delete_url_name": None,
        }

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name not in ("add", "delete")
        ]


@hooks.register("register_admin_viewset")
def register_service_viewset():
    return ServiceViewSet("services")


@hooks.register("register_admin_viewset")
def register_agent_role_viewset():
    return AgentRoleViewSet("agent_roles")
