"""The registry of community content types (``register_content``)."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType


@dataclass(frozen=True)
class ContentKind:
    model: type
    label: str
    # (obj) -> a short plain text of it (moderation queue, search).
    text: object
    # (obj) -> [querysets] of the content that is hidden with it (the comments of an
    # announcement), or None.
    children: object = None
    # (obj, hidden) -> None: called on commit after the moderation hid or restored it.
    on_hidden: object = None
    # The community tool it belongs to (``Community.tool_<tool>``), if any.
    tool: str | None = None
    # The foreign key to the agent who wrote it (« Document » says ``created_by``: the author of
    # its current version may be someone else).
    author: str = "author"


_registry = {}


def register_content(
    model, *, label, text=str, children=None, on_hidden=None, tool=None, author="author"
):
    """Declare ``model`` a kind of community content; ``label`` names it in French (« annonce »,
    « message de messagerie »); ``author`` names its foreign key to the agent who wrote it."""
    model._meta.get_field(author)  # a wrong name fails at start-up, not in the queue
    _registry[model._meta.label_lower] = ContentKind(
        model=model,
        label=label,
        text=text,
        children=children,
        on_hidden=on_hidden,
        tool=tool,
        author=author,
    )
    return model


def kind_of(obj_or_model):
    return _registry.get(obj_or_model._meta.label_lower)


def registered_models():
    """Every registered model with its French label."""
    return [(kind.model, kind.label) for kind in _registry.values()]


def registered(content_type):
    return _registry.get(f"{content_type.app_label}.{content_type.model}")


def content_type_of(obj):
    return ContentType.objects.get_for_model(obj)


def resolve(content_type_id, object_id):
    """The registered content behind (content type id, object id), or None for anything else
    (an unknown type, a model that is not community content, a missing object, garbage)."""
    try:
        content_type = ContentType.objects.get_for_id(int(content_type_id))
        object_id = int(object_id)
    except (ContentType.DoesNotExist, TypeError, ValueError, OverflowError):
        return None
    kind = registered(content_type)
    if kind is None or not 0 < object_id < 2**63:
        return None
    return kind.model.objects.filter(pk=object_id).select_related("community").first()


def author_of(obj):
    """The agent who wrote a piece of registered content."""
    return getattr(obj, kind_of(obj).author)


def describe(obj):
    """``(French label, short text)`` of a piece of content."""
    kind = kind_of(obj)
    return kind.label, kind.text(obj)


def dependents(obj):
    """``[(content type, ids)]`` of the content hidden along with ``obj``."""
    kind = kind_of(obj)
    if kind is None or kind.children is None:
        return []
    return [
        (ContentType.objects.get_for_model(qs.model), list(qs.values_list("pk", flat=True)))
        for qs in kind.children(obj)
    ]
