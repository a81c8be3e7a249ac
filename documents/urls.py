"""The document library's pages, under a community's address (``/communautes/<slug>/documents/``)."""

app_name = "documents"

D = "<slug:slug>/documents/"

urlpatterns = []
