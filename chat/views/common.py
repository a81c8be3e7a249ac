"""What the messaging's views share: the room or message the agent may read (404 for anything
else, forged ids included), the status of a service's refusal, the guard on uploaded files."""

from functools import wraps

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from chat.models import Message, Room
from chat.permissions import room_abilities, rooms_readable_by
from maillage.http import positive_id as int_or_none  # noqa: F401 - the views' helpers
from maillage.http import safe_next, status_of  # noqa: F401
from maillage.middleware import refuse_invalid_input


def readable_room(request, pk):
    """The room and the agent's abilities in it; 404 unless the agent may read it."""
    room = Room.objects.select_related("community").filter(pk=pk).first()
    if room is None:
        raise Http404
    abilities = room_abilities(request.user, room)
    if not abilities.can_read:
        raise Http404
    return room, abilities


def readable_message(request, pk):
    """A message looked up only among the rooms the agent may read, with the agent's abilities
    in its room; 404 otherwise."""
    message = (
        Message.objects.filter(pk=pk, room__in=rooms_readable_by(request.user).values("pk"))
        .select_related("room__community", "author")
        .first()
    )
    if message is None:
        raise Http404
    abilities = room_abilities(request.user, message.room)
    if not abilities.can_read:
        raise Http404
    return message, abilities


def redirect_to_message(request, message):
    """Back to the page the agent came from (or around the message), at the message."""
    target = safe_next(request, "") or message.get_absolute_url().split("#", 1)[0]
    return redirect(f"{target.split('#', 1)[0]}#message-{message.pk}")


class AttachmentSizeGuard(FileUploadHandler):
    """Stop reading an uploaded file as soon as it passes UPLOAD_MAX_BYTES: the rest is
    skipped without being written anywhere, and the view tells the agent (``too_large_upload``).
    The other fields of the form (the typed text) are still read."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            self.request.too_large_upload = self.file_name or "fichier"
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def guarded_upload(view):
    """Put the size guard before Django's own upload handlers. The handlers must be set before
    the body is read, and the CSRF check reads it: the check is made inside, after them."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        # The inputs' characters, as InputGuardMiddleware checks them for the other views.
        return refuse_invalid_input(request) or view(request, *args, **kwargs)

    protected = csrf_protect(checked)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.too_large_upload = None
        if request.method == "POST":
            request.upload_handlers.insert(0, AttachmentSizeGuard(request))
        return protected(request, *args, **kwargs)

    wrapper.reads_body_itself = True
    return wrapper
