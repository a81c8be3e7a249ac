from django.urls import path

from chat import views

app_name = "chat"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.room, name="room"),
    path("fichier/<int:pk>/", views.attachment, name="attachment"),
]
