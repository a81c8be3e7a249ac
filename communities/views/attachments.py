"""The download of a file attached to community content: for whoever may read its parent (the
parent's app answers, through the policy registry), as an inert private attachment."""

from django.contrib.auth.decorators import login_required
from django.http import Http404

from communities.content.models import Attachment
from maillage import policy
from maillage.uploads import protected_download


@login_required
def download(request, pk):
    """404 for a missing file and for one whose parent the agent may not read (a forged id of
    another community's file tells nothing)."""
    attachment = Attachment.objects.filter(pk=pk).select_related("content_type").first()
    target = attachment.target if attachment is not None else None
    if target is None or not policy.can_read(request.user, target):
        raise Http404
    return protected_download(
        attachment.file, name=attachment.name, content_type=attachment.mime_type
    )
