from django.http import HttpResponse
from django.urls import include, path


def baseline(request):
    """The cheapest Django response: the floor every measured page is compared with."""
    return HttpResponse("ok")


urlpatterns = [path("__bench__/baseline", baseline), path("", include("maillage.urls"))]
