"""Addresses of many rows from one ``reverse``: a route reversed once per page.

A page of 20 to 50 rows gives each row a handful of links (a forum post's edit, delete, history…
forms; a file's download; a revision's restore). ``reverse`` per link was a large part of such a
page's time, so the page reverses each route once with placeholder arguments and fills in each
row's values by formatting a string::

    download = reversed_once("documents:download", community.slug, document.pk, ...)
    for version in versions:
        version.url = download(version.number)  # "/communautes/c/documents/fichier/7/versions/3/"

``...`` (``Ellipsis``) marks the arguments that vary from row to row, in order; the others are
reversed as usual. What comes back is ``str.format`` of a template, called with the varying values
in that order (a C call: no Python frame per link).

Unlike ``reverse``, the varying values are neither checked against the route's converters nor
percent-encoded: pass ids, numbers and ASCII slugs only — values the route would accept and
``reverse`` would write unchanged.
"""

from django.urls import reverse

# Numbers no real id or slug is, one per varying argument: they match the converters ``int``,
# ``slug``, ``str`` and ``path`` and ``reverse`` writes them as they are.
_SENTINEL = 4611686018427387905  # 2**62 + 1


def reversed_once(name, *args):
    """``name`` reversed with ``args``, where each ``...`` is a varying argument: a function of
    the varying values that gives the URL, ``reverse(name, args=[…])`` with them in place."""
    sentinels = []
    reverse_args = []
    for arg in args:
        if arg is Ellipsis:
            sentinels.append(str(_SENTINEL + len(sentinels)))
            reverse_args.append(sentinels[-1])
        else:
            reverse_args.append(arg)
    if not sentinels:
        raise ValueError(f"reversed_once({name!r}): no varying argument (``...``)")
    rest = reverse(name, args=reverse_args)
    parts = []
    for sentinel in sentinels:
        before, found, rest = rest.partition(sentinel)
        if not found or sentinel in rest or sentinel in before:
            raise ValueError(f"reversed_once({name!r}): a fixed argument clashes with a sentinel")
        parts.append(_literal(before))
    template = "{}".join([*parts, _literal(rest)])
    return template.format


def _literal(text):
    """``text`` as it reads inside a ``str.format`` template."""
    return text.replace("{", "{{").replace("}", "}}")
