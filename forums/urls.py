"""The forums' pages, under a community's address (``/communautes/<slug>/forum/``)."""

app_name = "forums"

urlpatterns = []
