"""What the one moderation (``communities.content.moderation``) needs from the idea box beyond
its registrations: a comment hidden or restored leaves or comes back into its idea's
``comment_count`` (the count the lists sort on shows what everyone sees). Called on commit, with
the comment and whether it is now hidden (``register_content(on_hidden=…)``)."""

from ideas.models import Idea


def comment_hidden(comment, hidden):
    """Count again the comments the idea shows (neither hidden nor deleted)."""
    from ideas.services import comment_count_refresh

    comment_count_refresh(Idea(pk=comment.idea_id))
