"""What the idea boxes make searchable over everything (``search.registry``): the ideas — title,
description and the animators' answer — the platform box « Améliorer Maillage » among them (an
open community's box: every State agent reads it). Neither a hidden idea, nor an idea merged
into another (its page sends to the other, which is found), nor one of a box switched off. The
keys are the community content's (``communities.search.content_access``)."""

from communities.search import content_fields
from directory.search import AUTHOR_RELATED
from ideas import signals
from ideas.models import Idea
from maillage import effects
from maillage.markup import plain_text
from search import registry
from search.documents import Document, text_of


def ideas():
    return (
        Idea.objects.filter(is_hidden=False, community__tool_ideas=True)
        .exclude(status=Idea.Status.MERGED)
        .select_related("community", f"author__{AUTHOR_RELATED}")
    )


def idea_document(idea):
    return Document(
        type="idea",
        id=idea.pk,
        title=idea.title,
        body=text_of(plain_text(idea.body), plain_text(idea.answer)),
        url=idea.get_absolute_url(),
        date=idea.created_at,
        **content_fields(idea.community, idea.author),
    )


def _status_changed(sender, idea, **kwargs):
    # The answer is written with the status (the workflow may save with an update).
    effects.index(idea)


def _merged(sender, idea, target, **kwargs):
    # The merge moves rows with updates, which send no signal: the merged idea leaves the
    # index, the target's text stays.
    effects.index(idea)
    effects.index(target)


def register():
    """Called by ``ideas.registrations.register``."""
    registry.register_type(
        "idea",
        label="Idée",
        plural="Idées",
        model=Idea,
        queryset=ideas,
        document=idea_document,
        order=80,
        community="community_id",
    )
    signals.idea_status_changed.connect(_status_changed, dispatch_uid="search_idea_status")
    signals.idea_merged.connect(_merged, dispatch_uid="search_idea_merged")
