"""Forms rendered in the DSFR look: labels, hints and errors tied to their field (RGAA)."""

from django.forms import Form
from dsfr.forms import DsfrBoundField, DsfrDjangoTemplates
from dsfr.utils import dsfr_input_class_attr


class DsfrFormMixin:
    template_name = "dsfr/form_snippet.html"
    bound_field_class = DsfrBoundField
    default_renderer = DsfrDjangoTemplates

    def get_context(self):
        # Applied at render time, after subclasses have adjusted their fields in __init__.
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)
        context = super().get_context()
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class DsfrForm(DsfrFormMixin, Form):
    pass
