from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    # The search over everything an agent may read: the page (whole, or its results for htmx)
    path("", views.search_page, name="page"),
    # What the header's box suggests as an agent types (htmx)
    path("suggestions/", views.suggestions, name="suggestions"),
]
