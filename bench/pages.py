"""Pages every agent opens: the dashboard, a profile, the sign-in page, next to the baseline."""

from django.test import Client

from bench.runner import measure, print_table
from directory.models import Agent


def run():
    agent = Agent.objects.get(email="agent@demo.gouv.fr")
    other = Agent.objects.exclude(pk=agent.pk).filter(email__endswith="@demo.gouv.fr").first()
    visitor = Client()
    signed_in = Client()
    signed_in.force_login(agent)

    def get(client, url):
        def request():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return request

    def get_htmx(client, url):
        def request():
            response = client.get(url, headers={"HX-Request": "true"})
            assert response.status_code == 200, (url, response.status_code)

        return request

    community = "politique-de-l-eau-en-bretagne"
    rows = [
        measure("base : vue Django minimale", get(visitor, "/__bench__/baseline")),
        measure("accueil (visiteur)", get(visitor, "/")),
        measure("connexion (formulaire)", get(visitor, "/connexion/")),
        measure("tableau de bord (agent)", get(signed_in, "/")),
        measure("profil d'un agent", get(signed_in, f"/agents/{other.pk}/")),
        measure("modifier mon profil", get(signed_in, f"/agents/{agent.pk}/modifier/")),
        measure("liste des communautés", get(signed_in, "/communautes/")),
        measure("recherche de communautés (htmx)", get_htmx(signed_in, "/communautes/?q=eau")),
        measure("accueil d'une communauté", get(signed_in, f"/communautes/{community}/")),
        measure("membres d'une communauté", get(signed_in, f"/communautes/{community}/membres/")),
        measure("annonces d'une communauté", get(signed_in, f"/communautes/{community}/annonces/")),
    ]
    print_table("Pages (SQLite, en processus, 200 requêtes chacune)", rows, rows[0]["name"])
