from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
