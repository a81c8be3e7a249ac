"""Vocabulary of ``python -m bench.generate``: French names, positions, public-service skills.

Skills are grouped by domain; within a domain they are listed from the most to the least common,
and the generator gives them a Zipf-like popularity from that order. Each kind of service draws
mostly from its own domains, everyone a little from the transversal ones (HR, IT, law, …).

Positions carry both genders in a small markup: ``Charg{é|ée} de mission`` reads « Chargé » for
a man and « Chargée » for a woman.
"""

# fmt: off
FIRST_NAMES_F = [
    "Anne", "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Sophie", "Christine",
    "Véronique", "Valérie", "Sandrine", "Céline", "Stéphanie", "Aurélie", "Émilie", "Julie",
    "Élodie", "Caroline", "Camille", "Laure", "Hélène", "Claire", "Cécile", "Virginie", "Karine",
    "Delphine", "Florence", "Agnès", "Béatrice", "Brigitte", "Chantal", "Dominique", "Élisabeth",
    "Françoise", "Frédérique", "Gaëlle", "Géraldine", "Inès", "Jeanne", "Joëlle", "Laëtitia",
    "Léa", "Lucie", "Magali", "Maëlle", "Manon", "Marion", "Mathilde", "Mélanie", "Monique",
    "Morgane", "Nadia", "Nadège", "Noémie", "Océane", "Pascale", "Pauline", "Rozenn", "Sabrina",
    "Sarah", "Séverine", "Solène", "Soizic", "Sonia", "Tiphaine", "Vanessa", "Yvonne", "Zoé",
    "Anaïs", "Amandine", "Audrey", "Chloé", "Clémence", "Coralie", "Estelle", "Fanny", "Gwenaëlle",
    "Héloïse", "Justine", "Laurence", "Louise", "Maïwenn", "Myriam", "Nolwenn", "Ophélie",
    "Perrine", "Rachida", "Samia", "Fatima", "Leïla", "Aïcha", "Mireille", "Odile", "Régine",
    "Marlène", "Ginette", "Josiane", "Annick", "Sévane", "Eugénie", "Bérénice",
]
FIRST_NAMES_M = [
    "Jean", "Pierre", "Michel", "Philippe", "Alain", "Nicolas", "Christophe", "Patrick",
    "Frédéric", "Laurent", "Stéphane", "Éric", "Olivier", "Sébastien", "Julien", "David",
    "Thomas", "Antoine", "François", "Guillaume", "Jérôme", "Vincent", "Benoît", "Bruno",
    "Cédric", "Damien", "Denis", "Didier", "Emmanuel", "Fabien", "Franck", "Gilles", "Grégory",
    "Hervé", "Hugo", "Jacques", "Jean-Luc", "Jean-Marc", "Jean-Pierre", "Joël", "Karim",
    "Loïc", "Luc", "Marc", "Mathieu", "Maxime", "Mickaël", "Noël", "Pascal", "Quentin",
    "Raphaël", "Rémi", "Romain", "Samuel", "Serge", "Thierry", "Xavier", "Yann", "Yannick",
    "Yves", "Erwan", "Gwénaël", "Ronan", "Tanguy", "Goulven", "Killian", "Adrien", "Alexandre",
    "Arnaud", "Aurélien", "Baptiste", "Bastien", "Clément", "Dominique", "Florian", "Gaëtan",
    "Georges", "Hadrien", "Jérémie", "Joseph", "Kévin", "Lionel", "Lucas", "Mehdi", "Mohamed",
    "Nabil", "Octave", "Paul", "Régis", "René", "Thibault", "Timothée", "Valentin", "Victor",
    "Yohann", "Anthony", "Gérald", "Hamid", "Jean-Baptiste", "Josselin", "Ludovic", "Rodolphe",
]
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèbvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert",
    "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc",
    "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément",
    "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez",
    "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier", "Roger",
    "Roche", "Roy", "Noël", "Meyer", "Lucas", "Meunier", "Jean", "Pérez", "Marchand", "Dufour",
    "Blanchard", "Marie", "Barbier", "Brun", "Dumas", "Brunet", "Schmitt", "Leroux", "Colin",
    "Fernandez", "Pierre", "Renard", "Arnaud", "Rolland", "Caron", "Aubert", "Giraud", "Leclerc",
    "Vidal", "Bourgeois", "Renaud", "Lemoine", "Picard", "Gaillard", "Philippe", "Leclercq",
    "Lacroix", "Fabre", "Dupuis", "Olivier", "Rodriguez", "Da Silva", "Hubert", "Louis",
    "Charles", "Guillot", "Rivière", "Le Gall", "Guillaume", "Adam", "Rey", "Moulin", "Gonzalez",
    "Berger", "Lecomte", "Ménard", "Fleury", "Deschamps", "Carpentier", "Julien", "Benoît",
    "Paris", "Maillard", "Marchal", "Aubry", "Vasseur", "Le Roux", "Renault", "Jacquet",
    "Collet", "Prévost", "Poirier", "Charpentier", "Royer", "Huet", "Baron", "Dupuy", "Pons",
    "Paul", "Laine", "Carré", "Breton", "Rémy", "Schneider", "Perrot", "Guyot", "Barre",
    "Marty", "Cousin", "Le Bihan", "Kerjean", "Le Goff", "Le Corre", "Tanguy", "Quéméner",
    "Le Floch", "Cazals", "Andrieu", "Couderc", "Delmas", "Bousquet", "Vayssière", "Carrère",
    "Etcheverry", "Elissalde", "Santoni", "Paoli", "Luciani", "Casanova", "Hoarau", "Payet",
    "Grondin", "Fontaine-Lebon", "Jean-Baptiste", "Zébina", "Bellance", "Saint-Louis",
    "Koenig", "Wagner", "Weber", "Fischer", "Klein", "Haas", "Schaeffer", "Hoffmann",
    "Benali", "Haddad", "Mansouri", "Bensaïd", "Chérif", "Diallo", "Traoré", "Nguyen-Van",
    "Pham", "Tran", "Da Costa", "Ferreira", "Pereira", "Lévêque", "Bézier", "Chênevert",
    "Després", "Lhuillier", "d'Arcy", "de Villiers", "Saint-Martin", "Bérard", "Hébert",
]

# Skills by domain, each domain from the most to the least common.
SKILLS = {
    "urbanisme": [
        "urbanisme", "droit des sols", "aménagement du territoire", "autorisations d'urbanisme",
        "planification urbaine", "PLU et PLUi", "habitat", "logement social", "SCoT",
        "rénovation énergétique des logements", "politique foncière", "ingénierie territoriale",
        "revitalisation des centres-bourgs", "zéro artificialisation nette", "fiscalité de l'urbanisme",
        "accessibilité des bâtiments", "habitat indigne", "Action cœur de ville",
        "Petites villes de demain", "construction durable", "qualité de la construction",
        "observation foncière", "publicité extérieure", "paysage", "sites classés",
        "sécurité routière", "éducation routière", "permis de conduire", "transports exceptionnels",
        "mobilités durables", "infrastructures de transport", "ouvrages d'art", "cartographie",
        "géomatique", "SIG", "données géographiques", "Géoportail de l'urbanisme",
    ],
    "environnement": [
        "police de l'eau", "biodiversité", "ICPE", "risques naturels", "évaluation environnementale",
        "autorisation environnementale", "installations classées", "Natura 2000", "inondation",
        "gestion de l'eau", "police de l'environnement", "espèces protégées", "transition écologique",
        "énergies renouvelables", "prévention des risques technologiques", "PPRI", "GEMAPI",
        "assainissement", "eau potable", "qualité des eaux", "continuités écologiques",
        "trame verte et bleue", "SDAGE et SAGE", "hydrométrie", "prévision des crues",
        "sites et sols pollués", "déchets", "économie circulaire", "qualité de l'air", "bruit",
        "éolien", "photovoltaïque", "méthanisation", "changement climatique",
        "adaptation au changement climatique", "plan climat", "chasse", "pêche en eau douce",
        "sécurité des ouvrages hydrauliques", "mines et carrières", "PPRT", "littoral",
        "gestion du trait de côte", "domaine public maritime", "affaires maritimes",
        "pêche maritime", "sécurité des navires", "plaisance", "aires marines protégées",
    ],
    "agriculture": [
        "aides PAC", "économie agricole", "agriculture biologique", "agroécologie",
        "installation des jeunes agriculteurs", "forêt", "contrôle des structures",
        "foncier agricole", "statistique agricole", "enseignement agricole", "calamités agricoles",
        "filière bois", "gestion forestière", "défrichement", "santé des végétaux",
        "produits phytosanitaires", "plan Écophyto", "irrigation", "élevage",
        "projet alimentaire territorial", "circuits courts", "viticulture", "FEADER",
    ],
    "sanitaire": [
        "sécurité sanitaire des aliments", "hygiène alimentaire", "santé animale",
        "protection des consommateurs", "fonctions de contrôle", "inspection", "bien-être animal",
        "restauration collective", "alertes sanitaires", "abattoirs", "identification animale",
        "épidémiosurveillance", "influenza aviaire", "concurrence", "loyauté des transactions",
        "sécurité des produits", "pratiques commerciales trompeuses", "métrologie légale",
        "pharmacie vétérinaire", "faune sauvage captive", "équarrissage", "suites pénales",
    ],
    "travail": [
        "droit du travail", "emploi", "inspection du travail", "insertion par l'activité économique",
        "santé et sécurité au travail", "développement économique", "formation professionnelle",
        "apprentissage", "dialogue social", "négociation collective", "entreprises en difficulté",
        "mutations économiques", "plan de sauvegarde de l'emploi", "activité partielle",
        "travail illégal", "détachement de travailleurs", "contrats aidés", "intelligence économique",
        "industrie", "innovation", "export", "tourisme", "commerce et artisanat",
        "économie sociale et solidaire",
    ],
    "cohesion": [
        "hébergement d'urgence", "politique de la ville", "cohésion sociale", "vie associative",
        "gens du voyage", "jeunesse", "sport", "SIAO", "veille sociale", "logement d'abord",
        "accompagnement vers le logement", "contrat de ville", "quartiers prioritaires",
        "lutte contre la pauvreté", "droits des femmes", "égalité femmes-hommes",
        "lutte contre les violences faites aux femmes", "protection juridique des majeurs",
        "demandeurs d'asile", "intégration des réfugiés", "lutte contre les discriminations",
        "service civique", "éducation populaire", "accueil collectif de mineurs",
        "équipements sportifs", "sport de haut niveau", "prévention de la radicalisation",
        "aires d'accueil",
    ],
    "prefecture": [
        "gestion de crise", "sécurité civile", "contrôle de légalité", "élections",
        "collectivités locales", "coordination interministérielle", "planification ORSEC",
        "ordre public", "prévention de la délinquance", "séjour des étrangers", "naturalisation",
        "intercommunalité", "dotations aux collectivités", "DETR et DSIL", "contrôle budgétaire",
        "défense et sécurité nationale", "exercices de crise", "vidéoprotection",
        "polices administratives", "réglementation des armes", "titres sécurisés", "éloignement",
        "associations et cultes", "réglementation funéraire", "enquête publique",
        "déclaration d'utilité publique", "expropriation", "relations avec les élus", "protocole",
        "communication de crise", "débits de boissons", "sécurité intérieure",
    ],
    "finances": [
        "marchés publics", "fonds européens FEDER", "contrôle de gestion", "commande publique",
        "budget", "comptabilité publique", "Chorus", "dialogue de gestion", "fiscalité",
        "fonds européens FSE", "achat public", "exécution des marchés", "LOLF",
        "budget opérationnel de programme", "fiscalité locale", "recouvrement", "contrôle fiscal",
        "gestion domaniale", "politique immobilière de l'État", "évaluation domaniale", "cadastre",
        "publicité foncière", "dépense publique", "audit interne", "contrôle interne comptable",
        "maîtrise des risques", "subventions", "aides d'État", "programmes Interreg", "FEAMPA",
        "plan de relance", "contrat de plan État-région", "ingénierie financière",
    ],
    "rh": [
        "management", "gestion des ressources humaines", "conduite du changement", "recrutement",
        "formation continue", "mobilité", "paie", "qualité de vie au travail",
        "gestion prévisionnelle des emplois et des compétences", "management de proximité",
        "prévention des risques psychosociaux", "action sociale", "égalité professionnelle",
        "handicap et emploi", "télétravail", "médiation", "coaching", "accompagnement des carrières",
        "organisation du travail", "RIFSEEP", "concours administratifs", "temps de travail",
        "entretien professionnel", "relations avec les organisations syndicales",
        "plateforme RH",
    ],
    "numerique": [
        "numérique", "systèmes d'information", "transformation numérique", "cybersécurité",
        "données", "conduite de projet informatique", "administration systèmes",
        "réseaux et télécommunications", "sécurité des systèmes d'information", "open data",
        "méthodes agiles", "design de services", "accessibilité numérique", "RGPD",
        "protection des données personnelles", "dématérialisation", "démarches simplifiées",
        "science des données", "développement web", "outils collaboratifs", "bureautique",
        "intelligence artificielle", "support utilisateurs", "radiocommunications", "téléphonie",
        "visioconférence", "archivage électronique", "UX design",
    ],
    "juridique": [
        "droit public", "contentieux administratif", "droit administratif",
        "droit de l'environnement", "rédaction juridique", "veille juridique", "droit pénal",
        "droit des collectivités", "droit de la fonction publique", "légistique",
        "responsabilité de l'État", "droit européen", "droit des étrangers", "précontentieux",
    ],
    "communication": [
        "communication", "conduite de projet", "animation de réseau", "communication interne",
        "relations presse", "réseaux sociaux", "animation territoriale", "accueil du public",
        "relation usagers", "France services", "événementiel", "rédaction", "graphisme", "vidéo",
        "évaluation des politiques publiques", "études et statistiques", "prospective",
        "pilotage", "modernisation de l'action publique", "innovation publique",
        "intelligence collective", "facilitation", "simplification administrative",
        "qualité de service", "archives", "documentation",
    ],
    "culture": [
        "patrimoine", "monuments historiques", "archéologie préventive", "musées",
        "spectacle vivant", "éducation artistique et culturelle", "architecture", "livre et lecture",
        "arts plastiques", "cinéma et audiovisuel", "industries culturelles",
    ],
    "education": [
        "carte scolaire", "orientation", "décrochage scolaire", "inclusion scolaire",
        "examens et concours", "vie scolaire", "pédagogie", "formation des enseignants",
    ],
    "sante": [
        "santé publique", "offre de soins", "établissements médico-sociaux", "veille sanitaire",
        "prévention santé", "santé environnementale", "vaccination", "gestion des épidémies",
        "autonomie des personnes âgées", "handicap", "urgences sanitaires",
    ],
}

# Everyone draws a little from these, whatever their service.
TRANSVERSAL_DOMAINS = ["rh", "numerique", "juridique", "communication", "finances"]

# The domains each kind of service (directory/reference/service_kinds.json) works in.
KIND_DOMAINS = {
    "PREF-REG": ["prefecture", "finances", "communication"],
    "SGAR": ["finances", "prefecture", "rh", "numerique"],
    "PREF-DEP": ["prefecture", "juridique"],
    "SOUS-PREF": ["prefecture", "urbanisme", "communication"],
    "DREAL": ["environnement", "urbanisme"],
    "DEAL": ["environnement", "urbanisme"],
    "DRAAF": ["agriculture", "sanitaire"],
    "DAAF": ["agriculture", "sanitaire"],
    "DIRECCTE": ["travail"],
    "DIECCTE": ["travail"],
    "UT-DIRECCTE": ["travail"],
    "DRAC": ["culture"],
    "DAC": ["culture"],
    "DRJSCS": ["cohesion"],
    "DRDJSCS": ["cohesion"],
    "DJSCS": ["cohesion"],
    "DDCS": ["cohesion"],
    "DRFIP": ["finances"],
    "DDFIP": ["finances"],
    "DDT": ["urbanisme", "environnement", "agriculture"],
    "DDTM": ["urbanisme", "environnement", "agriculture"],
    "DDPP": ["sanitaire"],
    "DDCSPP": ["sanitaire", "cohesion"],
    "ARS": ["sante"],
    "RECTORAT": ["education"],
    "SIDSIC": ["numerique"],
}

# Positions by domain, both genders in one string (see the module docstring).
POSITIONS = {
    "urbanisme": [
        "Instruct{eur|rice} des autorisations d'urbanisme", "Charg{é|ée} d'études aménagement",
        "Chef{|fe} du service urbanisme et habitat", "Conseill{er|ère} en aménagement",
        "Charg{é|ée} de mission habitat", "Référent{|e} Petites villes de demain",
        "Inspect{eur|rice} du permis de conduire", "Géomaticien{|ne}",
        "Charg{é|ée} de la planification", "Technicien{|ne} bâtiment",
    ],
    "environnement": [
        "Inspect{eur|rice} des installations classées", "Charg{é|ée} de mission biodiversité",
        "Chef{|fe} de l'unité police de l'eau", "Technicien{|ne} police de l'eau",
        "Charg{é|ée} de la prévention des risques", "Hydromètre",
        "Charg{é|ée} de mission énergie et climat", "Chef{|fe} de l'unité départementale",
        "Charg{é|ée} d'évaluation environnementale", "Contrôl{eur|euse} des affaires maritimes",
        "Charg{é|ée} de mission littoral",
    ],
    "agriculture": [
        "Gestionnaire des aides PAC", "Charg{é|ée} de mission agroécologie",
        "Conseill{er|ère} forêt-bois", "Chef{|fe} du service économie agricole",
        "Technicien{|ne} agricole", "Statisticien{|ne} agricole",
        "Charg{é|ée} de l'installation des jeunes agriculteurs",
    ],
    "sanitaire": [
        "Inspect{eur|rice} en sécurité sanitaire des aliments", "Vétérinaire inspect{eur|rice}",
        "Technicien{|ne} des services vétérinaires", "Enquêt{eur|rice} de la concurrence",
        "Charg{é|ée} de la protection des consommateurs", "Chef{|fe} du service santé animale",
    ],
    "travail": [
        "Inspect{eur|rice} du travail", "Contrôl{eur|euse} du travail",
        "Charg{é|ée} de mission emploi", "Développ{eur|euse} de l'emploi",
        "Charg{é|ée} de mission insertion", "Commissaire au redressement productif",
        "Charg{é|ée} de développement économique",
    ],
    "cohesion": [
        "Charg{é|ée} de l'hébergement d'urgence", "Délégu{é|ée} du préfet politique de la ville",
        "Conseill{er|ère} d'animation sportive", "Charg{é|ée} de la vie associative",
        "Référent{|e} gens du voyage", "Conseill{er|ère} d'éducation populaire et de jeunesse",
        "Délégu{é|ée} aux droits des femmes", "Charg{é|ée} de l'intégration des réfugiés",
    ],
    "prefecture": [
        "Secrétaire général{|e}", "Direct{eur|rice} de cabinet", "Chef{|fe} du bureau des élections",
        "Charg{é|ée} du contrôle de légalité", "Chef{|fe} du SIDPC", "Agent{|e} d'accueil",
        "Instruct{eur|rice} des titres de séjour", "Charg{é|ée} de mission sécurité",
        "Sous-préf{et|ète}", "Charg{é|ée} de mission coordination interministérielle",
        "Chef{|fe} du bureau des collectivités locales",
    ],
    "finances": [
        "Charg{é|ée} de mission fonds européens", "Acheteu{r|se} public{|que}",
        "Contrôl{eur|euse} de gestion", "Inspect{eur|rice} des finances publiques",
        "Contrôl{eur|euse} des finances publiques", "Gestionnaire budgétaire",
        "Responsable de la plateforme achats", "Évaluat{eur|rice} domanial{|e}",
        "Chef{|fe} du pôle gestion publique", "Comptable public{|que}",
    ],
    "rh": [
        "Gestionnaire RH", "Responsable des ressources humaines", "Conseill{er|ère} mobilité carrière",
        "Charg{é|ée} de formation", "Assistant{|e} de prévention", "Conseill{er|ère} en organisation",
    ],
    "numerique": [
        "Administrat{eur|rice} systèmes et réseaux", "Technicien{|ne} informatique",
        "Chef{|fe} de projet numérique", "Responsable de la sécurité des systèmes d'information",
        "Développ{eur|euse}", "Charg{é|ée} de mission numérique", "Data scientist",
    ],
    "juridique": [
        "Juriste", "Charg{é|ée} du contentieux", "Conseill{er|ère} juridique",
    ],
    "communication": [
        "Charg{é|ée} de communication", "Responsable de la communication",
        "Charg{é|ée} de mission modernisation", "Assistant{|e} de direction",
        "Secrétaire administrati{f|ve}", "Charg{é|ée} de mission",
    ],
    "culture": [
        "Conserva{teur|trice} du patrimoine", "Architecte des bâtiments de France",
        "Conseill{er|ère} pour les musées", "Conseill{er|ère} théâtre et spectacle vivant",
        "Charg{é|ée} de l'éducation artistique et culturelle", "Archéologue",
    ],
    "education": [
        "Inspect{eur|rice} de l'Éducation nationale", "Conseill{er|ère} pédagogique",
        "Charg{é|ée} de la carte scolaire", "Gestionnaire des examens",
    ],
    "sante": [
        "Inspect{eur|rice} de l'action sanitaire et sociale", "Ingénieu{r|re} d'études sanitaires",
        "Médecin inspect{eur|rice} de santé publique", "Charg{é|ée} de la veille sanitaire",
        "Technicien{|ne} sanitaire",
    ],
}

INTERESTS = [
    "transition écologique", "innovation publique", "vélo", "randonnée", "course à pied",
    "photographie", "lecture", "jardinage", "musique", "théâtre", "cuisine", "voile",
    "numérique responsable", "logiciels libres", "mentorat", "égalité femmes-hommes",
    "développement durable", "histoire locale", "langue bretonne", "langue occitane", "cinéma",
    "montagne", "plongée", "football", "rugby", "escalade", "bénévolat", "ornithologie",
    "astronomie", "danse", "peinture", "chant choral", "généalogie", "jeux de société",
]
LANGUAGES = [
    "anglais", "espagnol", "allemand", "italien", "portugais", "arabe", "breton", "occitan",
    "créole", "langue des signes française", "néerlandais", "basque", "corse", "chinois",
]

# Named units inside a departmental service, by its kind: the directory lists them too.
UNITS = {
    "DDT": [
        ("Service urbanisme et habitat", "SUH", "urbanisme"),
        ("Service eau et biodiversité", "SEB", "environnement"),
        ("Service économie agricole", "SEA", "agriculture"),
        ("Service risques et sécurité", "SRS", "environnement"),
        ("Service aménagement et territoires", "SAT", "urbanisme"),
    ],
    "DDTM": [
        ("Service urbanisme et habitat", "SUH", "urbanisme"),
        ("Service eau et biodiversité", "SEB", "environnement"),
        ("Délégation à la mer et au littoral", "DML", "environnement"),
        ("Service économie agricole", "SEA", "agriculture"),
        ("Service risques et sécurité", "SRS", "environnement"),
    ],
    "PREF-DEP": [
        ("Direction de la citoyenneté et de la légalité", "DCL", "prefecture"),
        ("Direction des sécurités", "DS", "prefecture"),
        ("Service interministériel de défense et de protection civiles", "SIDPC", "prefecture"),
    ],
    "DDFIP": [
        ("Service des impôts des particuliers", "SIP", "finances"),
        ("Service de publicité foncière", "SPF", "finances"),
        ("Pôle d'évaluation domaniale", "PED", "finances"),
    ],
    "DDPP": [("Service sécurité sanitaire des aliments", "SSA", "sanitaire")],
    "DDCSPP": [("Service protection des populations", "SPP", "sanitaire")],
}

# Real sous-préfectures (department code → towns).
SOUS_PREFECTURES = {
    "01": ["Belley", "Gex", "Nantua"], "02": ["Château-Thierry", "Saint-Quentin", "Soissons", "Vervins"],
    "03": ["Montluçon", "Vichy"], "04": ["Barcelonnette", "Castellane", "Forcalquier"],
    "05": ["Briançon"], "06": ["Grasse"], "07": ["Largentière", "Tournon-sur-Rhône"],
    "08": ["Rethel", "Sedan", "Vouziers"], "09": ["Pamiers", "Saint-Girons"],
    "10": ["Bar-sur-Aube", "Nogent-sur-Seine"], "11": ["Limoux", "Narbonne"],
    "12": ["Millau", "Villefranche-de-Rouergue"], "13": ["Aix-en-Provence", "Arles", "Istres"],
    "14": ["Bayeux", "Lisieux", "Vire"], "15": ["Mauriac", "Saint-Flour"],
    "16": ["Cognac", "Confolens"], "17": ["Jonzac", "Rochefort", "Saintes", "Saint-Jean-d'Angély"],
    "18": ["Saint-Amand-Montrond", "Vierzon"], "19": ["Brive-la-Gaillarde", "Ussel"],
    "2A": ["Sartène"], "2B": ["Calvi", "Corte"], "21": ["Beaune", "Montbard"],
    "22": ["Dinan", "Guingamp", "Lannion"], "23": ["Aubusson"],
    "24": ["Bergerac", "Nontron", "Sarlat-la-Canéda"], "25": ["Montbéliard", "Pontarlier"],
    "26": ["Die", "Nyons"], "27": ["Les Andelys", "Bernay"],
    "28": ["Châteaudun", "Dreux", "Nogent-le-Rotrou"], "29": ["Brest", "Châteaulin", "Morlaix"],
    "30": ["Alès", "Le Vigan"], "31": ["Muret", "Saint-Gaudens"], "32": ["Condom", "Mirande"],
    "33": ["Arcachon", "Blaye", "Langon", "Lesparre-Médoc", "Libourne"],
    "34": ["Béziers", "Lodève"], "35": ["Fougères", "Redon", "Saint-Malo"],
    "36": ["Le Blanc", "La Châtre", "Issoudun"], "37": ["Chinon", "Loches"],
    "38": ["La Tour-du-Pin", "Vienne"], "39": ["Dole", "Saint-Claude"], "40": ["Dax"],
    "41": ["Romorantin-Lanthenay", "Vendôme"], "42": ["Montbrison", "Roanne"],
    "43": ["Brioude", "Yssingeaux"], "44": ["Ancenis", "Châteaubriant", "Saint-Nazaire"],
    "45": ["Montargis", "Pithiviers"], "46": ["Figeac", "Gourdon"],
    "47": ["Marmande", "Nérac", "Villeneuve-sur-Lot"], "48": ["Florac"],
    "49": ["Cholet", "Saumur", "Segré"], "50": ["Avranches", "Cherbourg", "Coutances"],
    "51": ["Épernay", "Reims", "Vitry-le-François"], "52": ["Langres", "Saint-Dizier"],
    "53": ["Château-Gontier", "Mayenne"], "54": ["Briey", "Lunéville", "Toul"],
    "55": ["Commercy", "Verdun"], "56": ["Lorient", "Pontivy"],
    "57": ["Forbach", "Sarrebourg", "Sarreguemines", "Thionville"],
    "58": ["Château-Chinon", "Clamecy", "Cosne-Cours-sur-Loire"],
    "59": ["Avesnes-sur-Helpe", "Cambrai", "Douai", "Dunkerque", "Valenciennes"],
    "60": ["Clermont", "Compiègne", "Senlis"], "61": ["Argentan", "Mortagne-au-Perche"],
    "62": ["Béthune", "Boulogne-sur-Mer", "Calais", "Lens", "Montreuil", "Saint-Omer"],
    "63": ["Ambert", "Issoire", "Riom", "Thiers"], "64": ["Bayonne", "Oloron-Sainte-Marie"],
    "65": ["Argelès-Gazost", "Bagnères-de-Bigorre"], "66": ["Céret", "Prades"],
    "67": ["Haguenau", "Molsheim", "Saverne", "Sélestat"], "68": ["Altkirch", "Mulhouse", "Thann"],
    "69": ["Villefranche-sur-Saône"], "70": ["Lure"],
    "71": ["Autun", "Chalon-sur-Saône", "Charolles", "Louhans"], "72": ["La Flèche", "Mamers"],
    "73": ["Albertville", "Saint-Jean-de-Maurienne"],
    "74": ["Bonneville", "Saint-Julien-en-Genevois", "Thonon-les-Bains"],
    "76": ["Dieppe", "Le Havre"], "77": ["Fontainebleau", "Meaux", "Provins", "Torcy"],
    "78": ["Mantes-la-Jolie", "Rambouillet", "Saint-Germain-en-Laye"],
    "79": ["Bressuire", "Parthenay"], "80": ["Abbeville", "Montdidier", "Péronne"],
    "81": ["Castres"], "82": ["Castelsarrasin"], "83": ["Brignoles", "Draguignan"],
    "84": ["Apt", "Carpentras"], "85": ["Fontenay-le-Comte", "Les Sables-d'Olonne"],
    "86": ["Châtellerault", "Montmorillon"], "87": ["Bellac", "Rochechouart"],
    "88": ["Neufchâteau", "Saint-Dié-des-Vosges"], "89": ["Avallon", "Sens"],
    "91": ["Étampes", "Palaiseau"], "92": ["Antony", "Boulogne-Billancourt"],
    "93": ["Le Raincy", "Saint-Denis"], "94": ["L'Haÿ-les-Roses", "Nogent-sur-Marne"],
    "95": ["Argenteuil", "Sarcelles"], "971": ["Pointe-à-Pitre"],
    "972": ["La Trinité", "Le Marin", "Saint-Pierre"], "973": ["Saint-Laurent-du-Maroni"],
    "974": ["Saint-Benoît", "Saint-Paul", "Saint-Pierre"],
}

# Departments with a coast (a DDTM rather than a DDT) and the large ones (a DDPP and a DDCS
# rather than one DDCSPP).
COASTAL_DEPARTMENTS = {
    "06", "11", "13", "14", "17", "22", "27", "29", "2A", "2B", "30", "33", "34", "35", "40",
    "44", "50", "56", "59", "62", "64", "66", "76", "80", "83", "85",
}
LARGE_DEPARTMENTS = {
    "06", "13", "14", "29", "31", "33", "34", "35", "38", "44", "49", "54", "57", "59", "60",
    "62", "63", "67", "69", "75", "76", "77", "78", "83", "91", "92", "93", "94", "95",
}
# Names that take « des », « de la » or no article after « de »; « de l' » before a vowel;
# « du » otherwise.
PLURAL_DEPARTMENTS = {"04", "05", "06", "08", "13", "22", "40", "64", "65", "66", "78", "79", "88", "92"}
FEMININE_DEPARTMENTS = {
    "16", "17", "19", "2A", "2B", "21", "23", "24", "26", "31", "33", "42", "43", "44", "48",
    "50", "51", "52", "53", "54", "55", "57", "58", "70", "72", "73", "74", "76", "77", "80",
    "85", "86", "87", "93", "971", "972", "973",
}
BARE_DEPARTMENTS = {"75", "974", "976"}
REGION_ABBREVIATIONS = {
    "Auvergne-Rhône-Alpes": "AURA",
    "Bourgogne-Franche-Comté": "BFC",
    "Provence-Alpes-Côte d'Azur": "PACA",
}
PLURAL_REGIONS = {"Hauts-de-France", "Pays de la Loire"}
MASCULINE_REGIONS = {"Grand Est", "Centre-Val de Loire"}
# fmt: on
