"""The idea boxes' pages, under a community's address (``/communautes/<slug>/idees/``)."""

app_name = "ideas"

I = "<slug:slug>/idees/"  # noqa: E741

urlpatterns = []
