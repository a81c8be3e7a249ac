"""The one sanitiser keeps what it rendered: the same text is converted once per process."""

import pytest

from maillage import markup


@pytest.fixture(autouse=True)
def _empty_cache():
    markup._rendered.cache_clear()
    yield
    markup._rendered.cache_clear()


def test_a_text_shown_again_is_not_converted_again(monkeypatch):
    calls = []
    convert = markup.markdown.markdown
    monkeypatch.setattr(
        markup.markdown,
        "markdown",
        lambda *args, **kwargs: calls.append(1) or convert(*args, **kwargs),
    )
    first = markup.render_markdown("**Gras** et <script>alert(1)</script>")
    second = markup.render_markdown("**Gras** et <script>alert(1)</script>")
    assert first == second
    assert "<strong>Gras</strong>" in first and "<script" not in first
    assert len(calls) == 1
    markup.render_markdown("Un autre texte")
    assert len(calls) == 2


def test_a_long_text_is_rendered_each_time_and_never_kept(monkeypatch):
    calls = []
    convert = markup.markdown.markdown
    monkeypatch.setattr(
        markup.markdown,
        "markdown",
        lambda *args, **kwargs: calls.append(1) or convert(*args, **kwargs),
    )
    text = "mot " * (markup.RENDERED_CACHE_MAX_LENGTH // 4 + 1)
    markup.render_markdown(text)
    markup.render_markdown(text)
    assert len(calls) == 2
    assert markup._rendered.cache_info().currsize == 0


def test_what_is_kept_is_still_marked_safe_and_sanitised():
    for _ in range(2):
        html = markup.render_markdown('[lien](javascript:alert(1)) <img src=x onerror="alert(1)">')
        assert hasattr(html, "__html__")
        assert "javascript:" not in html and "onerror" not in html
