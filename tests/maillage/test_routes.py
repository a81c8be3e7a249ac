"""``maillage.routes.reversed_once``: a route reversed once, then formatted per row."""

import pytest
from django.urls import NoReverseMatch, resolvers, reverse

from maillage.routes import reversed_once

SLUG = "entraide-ddt"


@pytest.mark.parametrize(
    ("name", "args", "rows"),
    [
        ("forums:post_edit", [SLUG, ...], [(1,), (10,), (4611686018427387904,)]),
        ("communities:report", [SLUG, 12, ...], [(3,), (12,)]),
        ("documents:download", [SLUG, 7, ...], [(1,), (70,)]),
        ("wiki:page", [SLUG, ...], [("guide-de-l-agent",), ("a",)]),
        ("wiki:revision", [SLUG, ..., ...], [("guide", 1), ("faq-2", 1000)]),
        ("wiki:revision", [SLUG, "guide", ...], [(0,), (31,)]),
    ],
)
def test_each_row_gets_the_address_reverse_gives(name, args, rows):
    """Whatever the varying arguments' places, each row's URL is the one ``reverse`` gives."""
    route = reversed_once(name, *args)
    for values in rows:
        filled = iter(values)
        assert route(*values) == reverse(
            name, args=[next(filled) if arg is ... else arg for arg in args]
        )


def test_the_route_is_reversed_once(monkeypatch):
    """Formatting a hundred rows' URLs reverses nothing more."""
    route = reversed_once("forums:post_edit", SLUG, ...)
    calls = []
    original = resolvers.URLResolver._reverse_with_prefix

    def counting(self, *args, **kwargs):
        calls.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(resolvers.URLResolver, "_reverse_with_prefix", counting)
    urls = [route(pk) for pk in range(100)]
    assert calls == []
    assert urls[42] == f"/communautes/{SLUG}/forum/message/42/modifier/"


def test_misuse_is_refused():
    """No varying argument, a fixed argument that reads like a placeholder, a wrong number of
    arguments: an error at once rather than wrong addresses."""
    with pytest.raises(ValueError, match="no varying argument"):
        reversed_once("forums:post_edit", SLUG, 3)
    with pytest.raises(ValueError, match="clashes"):
        reversed_once("wiki:revision", SLUG, "4611686018427387905", ...)
    with pytest.raises(NoReverseMatch):
        reversed_once("forums:post_edit", ..., ..., ...)
