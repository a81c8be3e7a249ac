"""Generic reporting and moderation: any community content model registers here.

A registered model has a ``community`` foreign key and an ``is_hidden`` flag (``ModeratedContent``),
an ``author`` and ``get_absolute_url``; the forum, wiki, ideas and chat register theirs the same way.
"""

from django.contrib.contenttypes.models import ContentType

_registry = {}


def register(model, *, label, text=lambda obj: str(obj)):
    """Declare a model as reportable and moderatable; ``label`` names it in French."""
    _registry[model._meta.label_lower] = {"model": model, "label": label, "text": text}
    return model


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

    register(Announcement, label="annonce", text=lambda a: a.title)
    register(AnnouncementComment, label="commentaire", text=lambda c: plain_text(c.body, 120))


_register_own_models()
