"""The home page's visitor content becomes blocks (its presentation first, then what the platform
offers today: nothing it does not); the legal notice, the privacy notice and the accessibility
statement are created as pages under the home page, at the addresses the footer links to."""

import json
import uuid

from django.db import migrations
from django.utils import timezone

PRESENTATION = (
    "<h2>Pourquoi Maillage ?</h2>"
    "<p>Les agents des services territoriaux de l'État travaillent sur les mêmes politiques "
    "publiques dans des services, des ministères et des sites différents. Maillage leur permet de "
    "se connaître, d'échanger et de partager au sein de communautés professionnelles animées, "
    "chacune avec sa charte.</p>"
)

CARDS = [
    (
        "Des communautés professionnelles",
        "Autour d'une politique publique, d'une expertise ou d'un usage partagé, chaque communauté "
        "a sa charte et son équipe d'animation. Ses membres y publient des annonces et les "
        "commentent.",
    ),
    (
        "Un annuaire des agents",
        "Trouvez qui fait quoi et qui sait quoi dans les préfectures, les SGAR, les directions "
        "régionales et départementales. « Qui rencontrer ? » vous suggère des collègues proches "
        "de vos sujets.",
    ),
    (
        "Une messagerie",
        "Le salon de chaque communauté, des conversations à deux ou en groupe, et des "
        "notifications sur le site ou par courriel, au rythme que vous choisissez.",
    ),
]


def _id():
    return str(uuid.uuid4())


def text(html):
    return {"type": "text", "value": html, "id": _id()}


def heading(title):
    return {"type": "heading", "value": title, "id": _id()}


def home_body(presentation):
    return [
        text(presentation or PRESENTATION),
        {
            "type": "cards",
            "value": {
                "title": "Ce que Maillage vous offre",
                "cards": [
                    {
                        "type": "item",
                        "value": {"title": title, "text": desc, "page": None, "url": ""},
                        "id": _id(),
                    }
                    for title, desc in CARDS
                ],
            },
            "id": _id(),
        },
        text(
            "<p>Maillage est réservé aux agents de l'État : le compte se crée avec une adresse "
            "professionnelle.</p>"
        ),
    ]


LEGAL_NOTICE = [
    heading("Éditeur"),
    text(
        "<p>Maillage, le réseau social professionnel des agents de l'État dans les territoires, "
        "est édité par l'administration qui exploite cette instance de la plateforme. Ses "
        "coordonnées et le nom de la directrice ou du directeur de la publication sont indiqués "
        "ici par l'équipe d'administration.</p>"
    ),
    heading("Hébergement"),
    text(
        "<p>La plateforme est hébergée en France, sur une infrastructure choisie par "
        "l'administration qui l'édite.</p>"
    ),
    heading("Réutilisation des contenus"),
    text(
        "<p>Sauf mention contraire, les contenus éditoriaux de ce site sont publiés sous "
        '<a href="https://github.com/etalab/licence-ouverte/blob/master/LO.md">licence '
        "etalab-2.0</a>. Les contributions des agents (annonces, commentaires, messages) restent "
        "réservées aux personnes qui peuvent les lire sur la plateforme et ne sont pas "
        "réutilisables hors de celle-ci.</p>"
    ),
    heading("Données personnelles et accessibilité"),
    text(
        '<p>Voir les pages <a href="/donnees-personnelles/">Données personnelles</a> et '
        '<a href="/accessibilite/">Accessibilité</a>.</p>'
    ),
]

PRIVACY_NOTICE = [
    text(
        "<p>Maillage met en relation les agents des services territoriaux de l'État. Cette page "
        "dit quelles données personnelles la plateforme conserve, pourquoi, combien de temps, et "
        "comment exercer vos droits.</p>"
    ),
    heading("Les données conservées"),
    text(
        "<ul>"
        "<li><b>Votre profil</b> : nom, prénom, adresse électronique professionnelle, service, "
        "poste, téléphone, photo, présentation, compétences, centres d'intérêt, langues et "
        "parcours, tels que vous les renseignez ;</li>"
        "<li><b>vos contributions</b> : communautés rejointes et rôles, annonces, commentaires, "
        "recommandations ;</li>"
        "<li><b>vos messages</b> : messages et fichiers échangés dans les salons des communautés "
        "et les conversations ;</li>"
        "<li><b>vos notifications</b> et vos préférences de notification ;</li>"
        "<li><b>l'historique de vos connexions</b> (date, adresse IP, navigateur), pour la "
        "sécurité des comptes.</li>"
        "</ul>"
    ),
    heading("Pourquoi"),
    text(
        "<p>Ces données servent à faire fonctionner le réseau : vous faire connaître de vos "
        "collègues par l'annuaire, animer les communautés, échanger, vous prévenir de ce qui "
        "vous concerne et protéger les comptes. Elles ne sont ni vendues, ni utilisées à des fins "
        "publicitaires. Le traitement relève de la mission d'intérêt public de l'administration "
        "(article 6.1.e du règlement général sur la protection des données).</p>"
    ),
    heading("Combien de temps"),
    text(
        "<p>Les données sont conservées tant que votre compte est ouvert. Quand vous fermez "
        "votre compte, votre nom, votre adresse, votre téléphone, votre présentation, vos "
        "compétences, votre photo et l'historique de vos connexions sont effacés aussitôt ; vos "
        "contributions restent visibles, attribuées à « ancien agent ».</p>"
    ),
    heading("Vos droits"),
    text(
        "<p>Vous pouvez accéder à vos données, les rectifier, vous opposer à leur traitement ou "
        "demander leur effacement :</p>"
        "<ul>"
        '<li>depuis <a href="/compte/">votre compte</a>, téléchargez l\'archive de vos données '
        "personnelles (« Télécharger mes données ») ;</li>"
        "<li>depuis votre profil, modifiez ou supprimez ce que vous avez renseigné ;</li>"
        '<li>depuis <a href="/compte/">votre compte</a>, fermez votre compte (« Fermer mon '
        "compte ») : c'est définitif ;</li>"
        "<li>pour toute autre demande, écrivez à l'équipe d'administration de la plateforme. Si "
        "vous estimez que vos droits ne sont pas respectés, vous pouvez saisir la "
        '<a href="https://www.cnil.fr/fr/plaintes">CNIL</a>.</li>'
        "</ul>"
    ),
    heading("Cookies"),
    text(
        "<p>Maillage ne dépose que les cookies nécessaires à son fonctionnement (session de "
        "connexion, protection des formulaires, préférence d'affichage) ; aucun cookie de mesure "
        "d'audience ni de publicité.</p>"
    ),
]

ACCESSIBILITY_STATEMENT = [
    text(
        "<p>L'administration qui édite Maillage s'engage à rendre la plateforme accessible "
        "conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005.</p>"
    ),
    heading("État de conformité"),
    text(
        "<p>Maillage est <b>non conforme</b> avec le référentiel général d'amélioration de "
        "l'accessibilité (RGAA) : aucun audit n'a encore été réalisé. La plateforme utilise le "
        "système de design de l'État (DSFR) et ses pages sont vérifiées automatiquement, mais "
        "cela ne remplace pas un audit.</p>"
    ),
    heading("Signaler un problème"),
    text(
        "<p>Si vous n'arrivez pas à accéder à un contenu ou à un service, signalez-le à l'équipe "
        "d'administration de la plateforme pour être orienté vers une alternative accessible ou "
        "obtenir le contenu sous une autre forme.</p>"
    ),
    heading("Voies de recours"),
    text(
        "<p>Si vous avez signalé un défaut d'accessibilité sans obtenir de réponse satisfaisante, "
        "vous pouvez écrire au "
        '<a href="https://formulaire.defenseurdesdroits.fr/">Défenseur des droits</a>, '
        "contacter son délégué dans votre région ou lui écrire gratuitement : Défenseur des "
        "droits, Libre réponse 71120, 75342 Paris CEDEX 07.</p>"
    ),
]

LEGAL_PAGES = [
    ("mentions-legales", "Mentions légales", LEGAL_NOTICE),
    ("donnees-personnelles", "Données personnelles", PRIVACY_NOTICE),
    ("accessibilite", "Déclaration d'accessibilité", ACCESSIBILITY_STATEMENT),
]
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def _encode(number):
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEPLEN, "0")


def _decode(step):
    return int(step, len(ALPHABET))


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Revision = apps.get_model("wagtailcore.Revision")
    HomePage = apps.get_model("cms.HomePage")
    LegalPage = apps.get_model("cms.LegalPage")
    homepage_type = ContentType.objects.get_or_create(app_label="cms", model="homepage")[0]
    legal_type = ContentType.objects.get_or_create(app_label="cms", model="legalpage")[0]

    for home in HomePage.objects.all():
        body = home_body(home.presentation)
        home.body = body
        home.save(update_fields=["body"])
        # The back-office edits the latest revision: it gets the blocks too.
        revisions = Revision.objects.filter(
            content_type=homepage_type, object_id=str(home.pk)
        ).order_by("-created_at", "-id")
        latest = revisions.first()
        if latest is not None:
            latest.content = {**latest.content, "body": json.dumps(body)}
            latest.save(update_fields=["content"])

        now = timezone.now()
        children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
        last = max((_decode(path[-STEPLEN:]) for path in children.values_list("path", flat=True)), default=0)
        for slug, title, blocks in LEGAL_PAGES:
            if children.filter(slug=slug).exists():
                continue
            last += 1
            LegalPage.objects.create(
                title=title,
                draft_title=title,
                slug=slug,
                content_type=legal_type,
                path=home.path + _encode(last),
                depth=home.depth + 1,
                numchild=0,
                url_path=f"{home.url_path}{slug}/",
                locale_id=home.locale_id,
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
                body=blocks,
            )
        Page.objects.filter(pk=home.pk).update(
            numchild=Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).count()
        )


def backwards(apps, schema_editor):
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("cms.HomePage")
    apps.get_model("cms.LegalPage").objects.all().delete()
    for home in HomePage.objects.all():
        Page.objects.filter(pk=home.pk).update(
            numchild=Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).count()
        )


class Migration(migrations.Migration):
    dependencies = [("cms", "0003_home_body_and_legal_pages")]

    operations = [migrations.RunPython(forwards, backwards)]
