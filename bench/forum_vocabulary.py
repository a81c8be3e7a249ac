"""French words for the generated forums (bench/forum_generator.py): the communities' subjects,
their categories, and the sentences of questions, answers and discussions between State agents.

Templates may hold slots — ``{dep}`` a department, ``{n}`` a small number, ``{mois}`` a month,
``{service}`` a kind of service — which the generator fills once, when it builds its pools.
"""

# (key, the community's subject, the forum's domain). Names read « Police de l'eau — Finistère ».
SUBJECTS = [
    ("marches", "Marchés publics"),
    ("urbanisme", "Urbanisme et application du droit des sols"),
    ("eau", "Police de l'eau"),
    ("rh", "Ressources humaines de proximité"),
    ("numerique", "Outils numériques et bureautique"),
    ("icpe", "Installations classées"),
    ("finances", "Finances et comptabilité publiques"),
    ("etrangers", "Accueil et séjour des étrangers"),
    ("agriculture", "Aides agricoles et PAC"),
    ("crise", "Gestion de crise et sécurité civile"),
]

# Categories: (name, description, is_help). The help forum comes first in every community.
HELP_CATEGORY = (
    "Entraide",
    "Posez vos questions à la communauté ; marquez la réponse qui vous a aidé comme solution.",
    True,
)
OTHER_CATEGORIES = [
    ("Actualités et veille", "Textes parus, jurisprudence, notes de service.", False),
    ("Retours d'expérience", "Ce qui a marché, ce qui n'a pas marché, dans vos services.", False),
    ("Modèles et documents", "Trames, courriers types, fiches réflexes à partager.", False),
    ("Outils et logiciels", "Applications métier, bureautique, astuces.", False),
    ("Vie de la communauté", "Rencontres, webinaires, présentations des nouveaux membres.", False),
    ("Formations", "Sessions, supports et retours sur les formations suivies.", False),
    ("Questions juridiques", "Points de droit, contentieux, doctrine.", True),
]

SLOTS = {
    "dep": [
        "Finistère", "Morbihan", "Gironde", "Hérault", "Nord", "Isère", "Rhône", "Bas-Rhin",
        "Loire-Atlantique", "Haute-Garonne", "Calvados", "Var", "Somme", "Puy-de-Dôme", "Vienne",
        "Côtes-d'Armor", "Ille-et-Vilaine", "Marne", "Doubs", "Landes", "La Réunion", "Guyane",
    ],
    "n": ["2", "3", "4", "5", "6", "8", "10", "12", "15", "20", "30", "45"],
    "mois": [
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "septembre", "octobre",
        "novembre", "décembre",
    ],
    "service": [
        "DDT", "DDTM", "DREAL", "préfecture", "sous-préfecture", "DDPP", "DDETS", "SGAR", "DRAAF",
        "DRFiP", "DDFiP", "SIDSIC",
    ],
}  # fmt: skip

# Per domain: question titles, discussion titles, sentences that set the context of a question,
# sentences of answers.
DOMAINS = {
    "marches": {
        "questions": [
            "MAPA de {n} 000 € HT : quelle publicité minimale ?",
            "Avenant au marché de nettoyage : faut-il repasser en commission ?",
            "Offre anormalement basse : comment la détecter et la justifier ?",
            "Accord-cadre à bons de commande : peut-on dépasser le maximum ?",
            "Pénalités de retard plafonnées : est-ce légal ?",
            "Sous-traitance de second rang non déclarée, que faire ?",
            "Clause de révision des prix : quel indice retenir ?",
            "Un seul candidat après relance : peut-on négocier ?",
            "DCE sur PLACE : les candidats ne voient pas les pièces",
            "Marché de travaux en lots séparés : quel seuil appliquer ?",
            "Avance de {n} % : obligatoire pour les PME ?",
            "Résilier un marché pour motif d'intérêt général : quelle indemnité ?",
        ],
        "discussions": [
            "Retour sur la réforme des seuils de {mois}",
            "Nos clauses sociales et environnementales : partage de trames",
            "Achats groupés interministériels : qui participe en {dep} ?",
            "Le nouveau guide de la commande publique, vos avis",
        ],
        "context": [
            "Nous lançons un marché de prestations intellectuelles pour la {service}.",
            "Le titulaire nous annonce un retard de {n} semaines sur la livraison.",
            "Le contrôle de légalité nous a fait une remarque sur la publicité.",
            "Notre acheteur part à la retraite en {mois} et je reprends le dossier.",
            "Le montant estimé a été revu à la hausse après la visite de site.",
            "Deux offres sur trois dépassent largement l'estimation.",
        ],
        "answers": [
            "L'article R. 2123-1 du code de la commande publique répond à votre cas.",
            "Nous faisons une publicité sur notre profil d'acheteur et au BOAMP au-delà de {n}0 000 €.",
            "Pensez à tracer la demande de précisions adressée au candidat : c'est ce que le juge regarde.",
            "L'avenant ne doit pas bouleverser l'économie du marché ; au-delà de 10 % il faut être prudent.",
            "La DAJ de Bercy a publié une fiche très claire sur ce point.",
            "Chez nous, à la {service}, la commission se réunit même pour les petits avenants.",
            "Un accord-cadre sans maximum n'est plus possible depuis 2019.",
            "Je vous conseille d'appeler la cellule d'appui juridique de votre région.",
            "Nous avons eu le même problème en {dep} : la solution a été de relancer en procédure adaptée.",
            "La révision des prix doit figurer au contrat ; sans clause, pas de révision.",
        ],
    },
    "urbanisme": {
        "questions": [
            "Permis de construire en zone A : une serre photovoltaïque est-elle possible ?",
            "Certificat d'urbanisme tacite : quelle date retenir ?",
            "Déclaration préalable pour une clôture en secteur protégé ?",
            "PLUi arrêté : peut-on surseoir à statuer ?",
            "Délai d'instruction majoré pour un ERP : combien de mois ?",
            "Changement de destination d'une grange : avis CDPENAF obligatoire ?",
            "Recours gracieux d'un voisin contre un permis : que doit faire le service ?",
            "Taxe d'aménagement : qui calcule depuis le transfert à la DGFiP ?",
            "Dépôt dématérialisé : les pièces arrivent incomplètes",
            "Loi littoral et hameau existant : comment apprécier la continuité ?",
        ],
        "discussions": [
            "La dématérialisation des autorisations d'urbanisme, un an après",
            "Zéro artificialisation nette : comment vos communes s'en emparent",
            "Formation ADS en {dep} : retours",
            "Les échanges avec les architectes des bâtiments de France",
        ],
        "context": [
            "La commune de {n} 000 habitants n'a plus d'instructeur depuis {mois}.",
            "Le pétitionnaire a déposé un dossier incomplet à deux reprises.",
            "Le terrain est en partie en zone inondable d'après le PPRI.",
            "Le maire souhaite délivrer le permis malgré l'avis défavorable.",
            "Nous instruisons pour le compte de {n} communes en {dep}.",
        ],
        "answers": [
            "Le délai part de la réception du dossier complet, pas du dépôt.",
            "Il faut notifier la majoration dans le premier mois, sinon elle est perdue.",
            "La jurisprudence du Conseil d'État est constante : pas de continuité avec un habitat diffus.",
            "Nous utilisons Plat'AU et les pièces manquantes sont signalées automatiquement.",
            "La CDPENAF doit être saisie, son avis conforme s'impose en zone agricole.",
            "Chez nous la {service} a rédigé une note de doctrine, je peux la partager.",
            "Le sursis à statuer est possible dès le débat sur le PADD.",
            "Attention à la date de cristallisation des règles : c'est celle du certificat.",
            "Nous faisons un point mensuel avec l'ABF pour désengorger les avis.",
        ],
    },
    "eau": {
        "questions": [
            "Déclaration loi sur l'eau pour un plan d'eau de {n} 000 m² ?",
            "Rubrique 3.3.1.0 : comment délimiter la zone humide ?",
            "Arrêté sécheresse : qui contrôle les restrictions d'irrigation ?",
            "Curage d'un fossé : déclaration ou simple information ?",
            "Continuité écologique : obligations du propriétaire d'un moulin",
            "Procès-verbal pour remblai en zone humide : quelle qualification ?",
            "Prélèvement agricole sans autorisation : quelle suite ?",
            "Station d'épuration non conforme : mise en demeure ou astreinte ?",
            "Autorisation environnementale : le délai de {n} mois est-il tenable ?",
        ],
        "discussions": [
            "Bilan de la campagne de contrôles de l'été",
            "La gestion de la sécheresse en {dep} cette année",
            "MISEN : organisation et fréquence de vos réunions",
            "Les outils cartographiques pour les zones humides",
        ],
        "context": [
            "Le pétitionnaire conteste le caractère humide de la parcelle.",
            "Un riverain signale un assèchement du cours d'eau depuis {mois}.",
            "L'OFB a constaté les travaux lors d'un contrôle de routine.",
            "Le syndicat de rivière demande un avis rapide de la {service}.",
            "Le débit est passé sous le seuil de crise depuis {n} jours.",
        ],
        "answers": [
            "Les critères sol et végétation sont alternatifs depuis la loi de 2019.",
            "Nous faisons un rappel à la réglementation d'abord, puis une mise en demeure.",
            "La rubrique 3.2.3.0 s'applique aux plans d'eau au-delà de 0,1 ha.",
            "Voyez avec l'OFB pour un constat commun, c'est plus solide devant le parquet.",
            "Nous avons un modèle d'arrêté de mise en demeure validé par le service juridique.",
            "Le curage d'entretien est dispensé s'il reste dans le gabarit initial.",
            "En {dep}, le comité ressource en eau se réunit chaque semaine en été.",
            "L'astreinte administrative est plus efficace que l'amende sur ce type de dossier.",
        ],
    },
    "rh": {
        "questions": [
            "Télétravail de {n} jours : qui valide en cas de refus du chef de service ?",
            "Compte épargne-temps : peut-on monétiser plus de {n} jours ?",
            "Entretien professionnel : l'agent refuse de signer le compte rendu",
            "Rupture conventionnelle d'un contractuel : quel calcul de l'indemnité ?",
            "Temps partiel thérapeutique : la procédure a changé ?",
            "Prime de fin d'année : les contractuels y ont-ils droit ?",
            "Recrutement d'un apprenti : quel financement pour le service ?",
            "Astreintes le week-end : quelle indemnisation ?",
            "Mobilité interne : délai de préavis à respecter ?",
        ],
        "discussions": [
            "Accueillir un nouvel agent : vos livrets d'accueil",
            "Les lignes directrices de gestion, qu'en faites-vous ?",
            "Qualité de vie au travail : les initiatives de la {service}",
            "Le baromètre social de {mois}",
        ],
        "context": [
            "L'agent est en poste depuis {n} ans et demande un temps partiel.",
            "Le bureau RH de proximité ne compte plus que deux personnes.",
            "La demande est arrivée pendant les congés du chef de service.",
            "Le médecin du travail a rendu un avis avec réserves.",
        ],
        "answers": [
            "La circulaire de {mois} précise la procédure, je vous mets le lien.",
            "Le refus doit être motivé et l'agent peut saisir la CAP.",
            "Chez nous, à la {service}, c'est le secrétaire général qui arbitre.",
            "Le plafond est fixé par arrêté ministériel, pas par le service.",
            "Pensez à faire signer la convention avant le début de l'apprentissage.",
            "Le compte rendu est notifié même sans signature ; l'agent peut demander une révision.",
            "Le CET est plafonné à 60 jours ; au-delà, option obligatoire.",
            "Notre assistante sociale a été d'une grande aide sur ce type de situation.",
        ],
    },
    "numerique": {
        "questions": [
            "Tchap ne synchronise plus sur mon téléphone professionnel",
            "Partager un fichier de plus de {n} Go avec un partenaire ?",
            "Résana ou un lecteur réseau pour les dossiers d'équipe ?",
            "Comment faire une visioconférence à plus de {n}0 participants ?",
            "Signature électronique des arrêtés : quel outil utilisez-vous ?",
            "Les macros Excel sont bloquées depuis la mise à jour",
            "Formulaire en ligne pour une démarche : Démarches simplifiées ?",
            "Accessibilité d'un PDF : comment vérifier ?",
            "LibreOffice et les modèles de la préfecture : mise en page cassée",
        ],
        "discussions": [
            "Vos astuces pour des réunions hybrides réussies",
            "Migration vers la suite numérique de l'État : où en êtes-vous ?",
            "Les outils libres qui vous font gagner du temps",
            "Retour sur le séminaire des référents numériques de {mois}",
        ],
        "context": [
            "Le SIDSIC nous a indiqué que le ticket est en cours.",
            "Cela arrive depuis la dernière mise à jour du poste de travail.",
            "Nous sommes {n} agents à utiliser le même dossier partagé.",
            "Le partenaire n'a pas de compte Agent Connect.",
        ],
        "answers": [
            "Il faut vider le cache de l'application puis se reconnecter.",
            "France Transfert accepte jusqu'à 20 Go et ne demande pas de compte.",
            "Démarches simplifiées est gratuit pour les administrations et très rapide à prendre en main.",
            "Visio de l'État tient bien la charge si les participants coupent leur caméra.",
            "Nous utilisons le parapheur électronique depuis {mois}, plus aucun papier.",
            "Le validateur PAC permet de vérifier l'accessibilité d'un PDF.",
            "Le SIDSIC de {dep} a publié un tutoriel, je le dépose dans « Modèles et documents ».",
            "Les macros doivent être signées ; votre SIDSIC peut ajouter un emplacement approuvé.",
        ],
    },
    "icpe": {
        "questions": [
            "Enregistrement ou autorisation pour un entrepôt de {n}0 000 m³ ?",
            "Inspection après incendie : quel délai pour le rapport ?",
            "Cessation d'activité : qui fixe l'usage futur du site ?",
            "Méthaniseur agricole : quelle rubrique pour {n}0 tonnes par jour ?",
            "Sanction administrative : amende ou astreinte en premier ?",
            "Plainte pour nuisances sonores d'une carrière",
            "Garanties financières non constituées : que faire ?",
        ],
        "discussions": [
            "Retour d'expérience sur les contrôles de silos",
            "La consultation du public par voie électronique, vos pratiques",
            "Les inspections inopinées en {dep}",
        ],
        "context": [
            "L'exploitant a déjà fait l'objet de {n} mises en demeure.",
            "Le site est à moins de 200 mètres des premières habitations.",
            "La DREAL nous demande un avis sous quinze jours.",
        ],
        "answers": [
            "La nomenclature a été modifiée en {mois}, vérifiez le seuil de la rubrique 1510.",
            "Nous proposons d'abord une mise en demeure avec un délai court.",
            "Le mémoire de réhabilitation doit être validé par l'inspection.",
            "L'arrêté de prescriptions complémentaires est la voie la plus rapide.",
            "Les garanties financières se consignent à la Caisse des dépôts à défaut.",
            "Je vous conseille une mesure de bruit contradictoire avant tout PV.",
        ],
    },
    "finances": {
        "questions": [
            "Chorus Pro : facture rejetée pour un numéro d'engagement absent",
            "Délai global de paiement dépassé : intérêts moratoires automatiques ?",
            "Régie d'avances : plafond de {n} 000 € suffisant ?",
            "Rattachement des charges à l'exercice : quelle date limite ?",
            "Subvention à une association : convention obligatoire au-delà de 23 000 € ?",
            "Service fait sur un marché à tranches : comment le certifier ?",
        ],
        "discussions": [
            "La clôture de gestion : calendrier et pièges",
            "Le contrôle interne comptable dans les petits services",
            "Nos tableaux de suivi budgétaire",
        ],
        "context": [
            "Le fournisseur relance pour la troisième fois depuis {mois}.",
            "Le comptable assignataire a suspendu le paiement.",
            "Notre BOP a été abondé de {n}0 000 € en cours d'année.",
        ],
        "answers": [
            "Les intérêts moratoires sont dus de plein droit, sans demande du créancier.",
            "La convention est obligatoire au-delà de 23 000 € par an.",
            "Le centre de services partagés de la {service} peut vous aider pour Chorus.",
            "Le service fait se constate à la réception de chaque tranche.",
            "Nous clôturons les engagements juridiques au {n} décembre au plus tard.",
        ],
    },
    "etrangers": {
        "questions": [
            "Titre de séjour « passeport talent » : délai d'instruction constaté ?",
            "Prise de rendez-vous saturée : quelles solutions avez-vous trouvées ?",
            "ANEF : dossier bloqué à l'étape de la pré-instruction",
            "Regroupement familial : enquête logement par la mairie ou l'OFII ?",
            "Récépissé expiré pendant l'instruction : que répondre à l'usager ?",
        ],
        "discussions": [
            "L'accueil des usagers au guichet après la dématérialisation",
            "Formation des agents d'accueil en {dep}",
            "Les points d'accueil numérique en sous-préfecture",
        ],
        "context": [
            "L'usager attend une réponse depuis {n} mois.",
            "Le guichet reçoit environ {n}0 personnes chaque matin.",
            "Le dossier a été transféré depuis la préfecture de {dep}.",
        ],
        "answers": [
            "L'attestation de prolongation d'instruction se génère depuis l'ANEF.",
            "Nous avons ouvert un créneau sans rendez-vous le mardi matin.",
            "L'enquête logement relève du maire, l'OFII instruit le reste.",
            "Le point d'accueil numérique de notre sous-préfecture a réduit l'attente de moitié.",
        ],
    },
    "agriculture": {
        "questions": [
            "Contrôle PAC : surface admissible en prairie permanente ?",
            "Aide à l'installation : âge limite pour un jeune agriculteur ?",
            "Éco-régime : quelles pièces demander en cas de contrôle ?",
            "Dossier Telepac déposé hors délai de {n} jours : pénalité ?",
            "Haies : la nouvelle réglementation s'applique-t-elle déjà ?",
        ],
        "discussions": [
            "La campagne PAC de cette année en {dep}",
            "Accompagner les exploitants face à la dématérialisation",
            "Retours sur les contrôles sur place",
        ],
        "context": [
            "L'exploitant a {n}0 hectares en polyculture élevage.",
            "La télédéclaration a été faite par la chambre d'agriculture.",
            "Le contrôle sur place a eu lieu en {mois}.",
        ],
        "answers": [
            "Au-delà de 25 jours de retard, la demande est irrecevable.",
            "La pénalité est de 1 % par jour ouvré de retard.",
            "Les photos géolocalisées de l'application sont acceptées comme preuve.",
            "La DDT de {dep} a fait une fiche très claire pour les exploitants.",
        ],
    },
    "crise": {
        "questions": [
            "Exercice ORSEC : combien de temps pour préparer le scénario ?",
            "Main courante de crise : quel outil utilisez-vous ?",
            "Astreinte préfectorale : fiche réflexe inondation à partager ?",
            "Centre opérationnel départemental : qui active la cellule d'information du public ?",
            "Alerte FR-Alert : qui déclenche et avec quelle validation ?",
        ],
        "discussions": [
            "Retour d'expérience sur les inondations de {mois}",
            "Organiser un exercice avec les communes",
            "Les plans communaux de sauvegarde en {dep}",
        ],
        "context": [
            "Le COD a été activé {n} fois cette année.",
            "Nous préparons un exercice avec la {service} et les pompiers.",
            "Les communes de moins de {n} 000 habitants n'ont pas de PCS à jour.",
        ],
        "answers": [
            "Nous utilisons SYNAPSE comme main courante partagée.",
            "Le préfet valide chaque message FR-Alert, le cadre d'astreinte le prépare.",
            "Comptez trois mois pour un exercice réaliste avec tous les acteurs.",
            "La fiche réflexe doit tenir sur une page, sinon personne ne la lit.",
        ],
    },
}

GREETINGS = [
    "Bonjour à toutes et à tous,",
    "Bonjour,",
    "Bonjour à tous,",
    "Chers collègues,",
    "Hello,",
    "Bonsoir,",
]
ASKS = [
    "Quelqu'un a-t-il déjà rencontré ce cas ?",
    "Comment faites-vous dans vos services ?",
    "Avez-vous un modèle ou une note à partager ?",
    "Merci d'avance pour vos retours.",
    "Je suis preneur de toute jurisprudence sur le sujet.",
    "Toute piste est la bienvenue, le dossier est urgent.",
    "Je précise que je suis nouvelle sur ce poste.",
    "Je précise que je suis nouveau sur ce poste.",
]
OPENERS = [
    "Merci pour la question, elle revient souvent.",
    "Même situation chez nous.",
    "Bonjour,",
    "Je confirme ce qui vient d'être dit.",
    "Pour compléter la réponse précédente :",
    "De notre côté, à la {service}, nous procédons autrement.",
    "Nous avons eu exactement ce cas en {mois}.",
    "Bonne question !",
    "Je me permets de réagir :",
]
CLOSERS = [
    "Bon courage !",
    "Je peux vous envoyer notre modèle par message privé.",
    "Tenez-nous au courant de la suite.",
    "Cordialement,",
    "N'hésitez pas si vous avez besoin de précisions.",
    "En espérant que cela vous aide.",
]
THANKS = [
    "Merci beaucoup, c'est exactement ce qu'il me fallait.",
    "Super, merci à tous pour vos réponses !",
    "Merci, je teste et je reviens vers vous.",
    "C'est réglé grâce à vos conseils, merci.",
    "Merci pour ce retour très complet.",
]
EDITED_NOTES = [
    "(corrigé : j'avais inversé deux dates)",
    "(message modifié pour ajouter le lien)",
    "(précision ajoutée)",
]
