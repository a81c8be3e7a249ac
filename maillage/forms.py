"""Forms rendered in the DSFR look: labels, hints and errors tied to their field (RGAA)."""

from django import forms
from django.forms import Form
from dsfr.forms import DsfrBoundField, DsfrDjangoTemplates
from dsfr.utils import dsfr_input_class_attr

from maillage.text import strip_bidi

# Single-line text that is not a name: left exactly as typed.
_NOT_NAMES = (forms.PasswordInput, forms.HiddenInput, forms.Textarea)

# One renderer for every form, as Django's own default renderer is one: given as a class, each
# form would build a new template engine (about 7 ms a form, most of a comment form's cost).
DSFR_RENDERER = DsfrDjangoTemplates()


class DsfrFormMixin:
    template_name = "dsfr/form_snippet.html"
    bound_field_class = DsfrBoundField
    default_renderer = DSFR_RENDERER

    def get_context(self):
        # Applied at render time, after subclasses have adjusted their fields in __init__.
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)
        context = super().get_context()
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context

    def _clean_fields(self):
        super()._clean_fields()
        strip_bidi_from_names(self)


def strip_bidi_from_names(form):
    """Single-line text fields hold names and titles (of agents, communities, rooms…): their
    bidirectional controls are stripped from ``form.cleaned_data``, so that no name displays
    as another (``maillage.text``). Running text (text areas) keeps them; it shows them
    escaped. For forms that render their fields themselves (``DsfrFormMixin`` calls it)."""
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if (
            isinstance(value, str)
            and isinstance(field, forms.CharField)
            and not isinstance(field.widget, _NOT_NAMES)
        ):
            stripped = strip_bidi(value)
            if value and not stripped.strip() and field.required:
                del form.cleaned_data[name]
                form.add_error(name, field.error_messages["required"])
            else:
                form.cleaned_data[name] = stripped


class DsfrForm(DsfrFormMixin, Form):
    pass
