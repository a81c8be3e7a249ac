"""Generic reporting and moderation: any community content model registers here.

A registered model has a ``community`` foreign key and an ``is_hidden`` flag (``ModeratedContent``),
an ``author`` and ``get_absolute_url``; the forum, wiki, ideas and chat register theirs the same way.
"""

from django.contrib.contenttypes.models import ContentType

_registry = {}


def register(model, *, label, text=lambda obj: str(obj), children=None):
    """Declare a model as reportable and moderatable; ``label`` names it in French;
    ``children(obj)`` gives the querysets of content that disappears with it when it is hidden."""
    _registry[model._meta.label_lower] = {
        "model": model,
        "label": label,
        "text": text,
        "children": children,
    }
    return model


def dependents(obj):
    """(content type, ids) of the content hidden along with ``obj``."""
    entry = _registry.get(obj._meta.label_lower)
    if entry is None or entry["children"] is None:
        return []
    return [
        (ContentType.objects.get_for_model(qs.model), list(qs.values_list("pk", flat=True)))
        for qs in entry["children"](obj)
    ]


def registered_models():
    """Every registered model with its French label (the moderation queue lists hidden content
    of each)."""
    return [(entry["model"], entry["label"]) for entry in _registry.values()]


def registered(content_type):
    return _registry.get(f"{content_type.app_label}.{content_type.model}")


def resolve(content_type_id, object_id):
    """The registered object behind (content type id, object id), or None for anything else."""
    try:
        content_type = ContentType.objects.get_for_id(int(content_type_id))
        object_id = int(object_id)
    except (ContentType.DoesNotExist, TypeError, ValueError):
        return None
    entry = registered(content_type)
    if entry is None:
        return None
    return entry["model"].objects.filter(pk=object_id).select_related("community").first()


def describe(obj):
    entry = _registry.get(obj._meta.label_lower)
    return entry["label"], entry["text"](obj)


def content_type_of(obj):
    return ContentType.objects.get_for_model(obj)


def _register_own_models():
    from communities.models import Announcement, AnnouncementComment
    from maillage.markup import plain_text

    register(
        Announcement, label="annonce", text=lambda a: a.title, children=lambda a: [a.comments.all()]
    )
    register(AnnouncementComment, label="commentaire", text=lambda c: plain_text(c.body, 120))


_register_own_models()
