"""Routes of the messaging, under /messagerie/. The view functions live in views/*.py."""

from django.urls import path

from chat import views

app_name = "chat"

urlpatterns = [
    path("", views.index, name="index"),
    path("nouveau/", views.group_new, name="group_new"),
    path("direct/<int:agent_pk>/", views.direct, name="direct"),
    # a room
    path("<int:pk>/", views.room, name="room"),
    path("<int:pk>/envoyer/", views.send, name="send"),
    path("<int:pk>/participants/", views.group_add, name="group_add"),
    path("<int:pk>/quitter/", views.group_leave, name="group_leave"),
    path("<int:pk>/supprimer/", views.channel_delete, name="channel_delete"),
    # a message
    path("message/<int:pk>/modifier/", views.edit, name="edit"),
    path("message/<int:pk>/supprimer/", views.delete, name="delete"),
    path("message/<int:pk>/reaction/", views.react, name="react"),
    path("message/<int:pk>/historique/", views.history, name="history"),
    path("fichier/<int:pk>/", views.attachment, name="attachment"),
    # a community's rooms and their animation
    path("communaute/<slug:slug>/", views.community_room, name="community"),
    path("communaute/<slug:slug>/salons/nouveau/", views.channel_new, name="channel_new"),
    path("communaute/<slug:slug>/muets/", views.mutes, name="mutes"),
    path("communaute/<slug:slug>/muets/<int:agent_pk>/", views.mute, name="mute"),
    path("communaute/<slug:slug>/muets/<int:agent_pk>/lever/", views.unmute, name="unmute"),
]
