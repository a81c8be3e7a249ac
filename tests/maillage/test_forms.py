from django import forms

from maillage.forms import DsfrForm


class _Comment(DsfrForm):
    body = forms.CharField(label="Commentaire", widget=forms.Textarea)


def test_every_form_renders_through_one_renderer_and_one_template_engine():
    first, second = _Comment(), _Comment(data={"body": ""})
    assert first.renderer is second.renderer
    assert first.renderer.engine is second.renderer.engine
    html = second.render()  # the DSFR look: the error tied to its field
    assert "fr-input-group--error" in html and 'id="id_body"' in html
