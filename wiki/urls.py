"""The wiki's pages, under a community's address (``/communautes/<slug>/wiki/``)."""

app_name = "wiki"

W = "<slug:slug>/wiki/"

urlpatterns = []
