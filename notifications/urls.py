from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("non-lues.json", views.unread_count, name="unread_count"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("<int:pk>/lue/", views.mark_read, name="mark_read"),
    path("tout-marquer-comme-lu/", views.mark_all_read, name="mark_all_read"),
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/ne-plus-suivre/", views.mute, name="mute"),
    path("preferences/reactiver/", views.unmute, name="unmute"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
