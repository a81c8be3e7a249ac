"""The communities' refusal (raised by their services and by the content contract's)."""

from maillage.http import Refused


class CommunityError(Refused):
    """A refused action; the message is French and meant for the person who asked."""
