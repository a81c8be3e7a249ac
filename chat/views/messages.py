"""What is done to one message: edit, delete, react, its edit history, its attached file. Each
looks the message up among the rooms the agent may read: any other id answers 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chat import services
from chat.forms import EditForm, ReactionForm
from chat.models import Message
from chat.permissions import rooms_readable_by
from chat.views.common import readable_message, redirect_to_message, status_of
from maillage.markup import plain_text
from maillage.uploads import protected_download


def _edit_refusal(message, abilities, agent):
    if message.author_id != agent.pk:
        return _("Vous ne modifiez que vos propres messages.")
    if message.is_deleted:
        return _("Ce message a été supprimé.")
    return _("Vous ne pouvez plus écrire dans ce salon : ce message ne peut pas être modifié.")


@login_required
def edit(request, pk):
    message, abilities = readable_message(request, pk)
    if request.method != "POST" and not abilities.can_edit(message):
        raise PermissionDenied(_edit_refusal(message, abilities, request.user))
    form = EditForm(request.POST or None, initial={"body": message.body})
    error, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            services.message_edit(
                agent=request.user, message=message, body=form.cleaned_data["body"]
            )
        except services.ChatError as refusal:
            error, status = str(refusal), status_of(refusal)
        else:
            messages.success(request, _("Le message a été modifié."))
            return redirect_to_message(request, message)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "chat/message_edit.html",
        {
            "title": _("Modifier le message"),
            "message": message,
            "room": message.room,
            "form": form,
            "error": error,
        },
        status=status,
    )


@login_required
def delete(request, pk):
    message, abilities = readable_message(request, pk)
    if not abilities.can_delete(message):
        if message.is_deleted:
            raise PermissionDenied(_("Ce message est déjà supprimé."))
        raise PermissionDenied(_("Vous ne pouvez pas supprimer ce message."))
    if request.method == "POST":
        try:
            services.message_delete(agent=request.user, message=message)
        except services.ChatError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Le message a été supprimé."))
        return redirect_to_message(request, message)
    return render(
        request,
        "chat/message_delete.html",
        {
            "title": _("Supprimer le message"),
            "message": message,
            "room": message.room,
            "excerpt": plain_text(message.body, 300),
            "own": message.author_id == request.user.pk,
        },
    )


@require_POST
@login_required
def react(request, pk):
    message, _abilities = readable_message(request, pk)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cette réaction n'est pas proposée."))
        return redirect_to_message(request, message)
    try:
        services.reaction_toggle(
            agent=request.user, message=message, emoji=form.cleaned_data["emoji"]
        )
    except services.ChatError as refusal:
        messages.error(request, str(refusal))
    return redirect_to_message(request, message)


@login_required
def history(request, pk):
    """The successive texts of a message, for the community's animators."""
    message, abilities = readable_message(request, pk)
    if not abilities.can_see_history(message):
        raise PermissionDenied(_("Seule l'animation de la communauté consulte l'historique."))
    revisions = list(message.revisions.select_related("replaced_by").order_by("replaced_at", "pk"))
    return render(
        request,
        "chat/message_history.html",
        {
            "title": _("Historique du message"),
            "message": message,
            "room": message.room,
            "revisions": revisions,
        },
    )


@login_required
def attachment(request, pk):
    """The file of a message, for whoever may read its room, as a download (never shown
    inline: an uploaded file must not run as a page of the site). With ``?miniature=1``, the
    thumbnail the server made of a picture (a JPEG of its own, shown in an ``<img>``), after
    the same check; 404 when there is none."""
    message = (
        Message.objects.filter(
            pk=pk,
            room__in=rooms_readable_by(request.user).values("pk"),
            deleted_at__isnull=True,
            is_hidden=False,
        )
        .exclude(attachment="")
        .first()
    )
    if message is None:
        raise Http404
    if "miniature" in request.GET:
        if not message.attachment_thumbnail:
            raise Http404
        stem = message.attachment_name.rsplit(".", 1)[0] or "image"
        return protected_download(
            message.attachment_thumbnail,
            name=f"{stem}-miniature.jpg",
            content_type="image/jpeg",
        )
    return protected_download(
        message.attachment, name=message.attachment_name, content_type=message.attachment_type
    )
