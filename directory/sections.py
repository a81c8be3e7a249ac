"""Sections other apps add to the directory's pages: a profile (the communities the agent is a
member of) and the organisation pages of a service, a region, a department (the communities
around them). Each app registers from its ``AppConfig.ready()`` a template and a context function;
the page loops over what is here, so the directory imports none of them.

    register_section("profile", "communities", template="…", context=fn, order=10)

``context(viewer, obj)`` receives the viewer and the page's object (the agent, the service, the
region or the department) and returns the template's ``section`` variable, or None to leave the
section out. Querysets may be returned unevaluated: the template reads them once.

This module imports no app.
"""

from dataclasses import dataclass

PAGES = ("profile", "service", "region", "department")


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    # (viewer, obj) -> the template's ``section`` variable, or None: not shown.
    context: object
    order: int = 100


_sections = {page: {} for page in PAGES}


def register_section(page, key, *, template, context, order=100):
    """A section of one of the directory's pages; registering a key again replaces it."""
    if page not in _sections:
        raise ValueError(f"Unknown directory page {page!r}; expected one of {PAGES}.")
    _sections[page][key] = Section(key=key, template=template, context=context, order=order)


def sections_for(page, viewer, obj):
    """``[{"key", "template", "data"}]``: the sections of ``page`` for ``obj``, in order."""
    found = []
    for section in sorted(_sections[page].values(), key=lambda s: (s.order, s.key)):
        data = section.context(viewer, obj)
        if data is not None:
            found.append({"key": section.key, "template": section.template, "data": data})
    return found
