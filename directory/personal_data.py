"""Personal-data export (RGPD right of access): a registry each app extends with its own data.

An app registers a function ``(agent) -> JSON-serialisable data``; the export writes one JSON file
per section into a ZIP archive, with the files the agent uploaded.

    from directory.personal_data import registry

    @registry.section("messages")
    def export_messages(agent): ...
"""

import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone


class PersonalDataRegistry:
    def __init__(self):
        self._sections = {}
        self._file_providers = []

    def section(self, name):
        def decorator(func):
            self._sections[name] = func
            return func

        return decorator

    def files(self, func):
        """Register a function yielding ``(archive_path, FieldFile)`` pairs for an agent."""
        self._file_providers.append(func)
        return func

    @property
    def section_names(self):
        return list(self._sections)

    def build_archive(self, agent):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "LISEZMOI.txt",
                "Données personnelles détenues par Maillage\n"
                f"Agent : {agent.email}\nExport du {timezone.now():%d/%m/%Y %H:%M}\n\n"
                "Chaque fichier JSON correspond à une partie de la plateforme ; "
                "le dossier fichiers/ contient les fichiers que vous avez déposés.\n",
            )
            for name, func in self._sections.items():
                data = func(agent)
                archive.writestr(
                    f"{name}.json",
                    json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
                )
            for provider in self._file_providers:
                for path, field_file in provider(agent):
                    with field_file.open("rb") as handle:
                        archive.writestr(f"fichiers/{path}", handle.read())
        return buffer.getvalue()


registry = PersonalDataRegistry()


@registry.section("profil")
def export_profile(agent):
    service = agent.service
    return {
        "adresse_electronique": agent.email,
        "prenom": agent.first_name,
        "nom": agent.last_name,
        "fonction": agent.position,
        "telephone": agent.phone,
        "presentation": agent.bio,
        "competences": sorted(agent.skills.names()),
        "je_peux_aider_sur": sorted(agent.expertise.names()),
        "centres_d_interet": sorted(agent.interests.names()),
        "langues": sorted(agent.languages.names()),
        "disponibilites": {
            "ouvert_au_mentorat": agent.open_to_mentoring,
            "en_recherche_de_mobilite": agent.seeking_mobility,
            "reseau_des_innovateurs": agent.innovators_network,
        },
        "confidentialite": {
            "qui_voit_mon_telephone": agent.get_phone_visibility_display(),
            "qui_voit_mon_adresse_electronique": agent.get_email_visibility_display(),
        },
        "parcours": [
            {
                "fonction": entry.title,
                "service": entry.service.name if entry.service else None,
                "organisme": entry.organisation,
                "debut": entry.start_date,
                "fin": entry.end_date,
            }
            for entry in agent.career.select_related("service").order_by("-start_date", "-pk")
        ],
        "service": None
        if service is None
        else {
            "nom": service.name,
            "sigle": service.short_name,
            "ministere": service.ministry.name,
            "region": service.region.name,
            "departement": service.department.name if service.department else None,
        },
        "role": agent.get_role_display(),
        "inscrit_le": agent.date_joined,
        "derniere_connexion": agent.last_login,
    }


@registry.section("recommandations")
def export_endorsements(agent):
    """The skills others recommended on the agent's profile, and those the agent recommended."""
    from directory.models import Endorsement

    endorsements = Endorsement.objects.select_related("tag", "agent", "endorser").order_by(
        "-created_at"
    )
    return {
        "recues": [
            {"competence": e.tag.name, "par": e.endorser.display_name, "le": e.created_at}
            for e in endorsements.filter(agent=agent)
        ],
        "donnees": [
            {"competence": e.tag.name, "a": e.agent.display_name, "le": e.created_at}
            for e in endorsements.filter(endorser=agent)
        ],
    }


@registry.section("suggestions_masquees")
def export_hidden_suggestions(agent):
    from directory.models import HiddenSuggestion

    return [
        {"agent_masque": hidden.hidden.display_name, "le": hidden.created_at}
        for hidden in HiddenSuggestion.objects.filter(agent=agent).select_related("hidden")
    ]


@registry.section("connexions")
def export_sign_in_attempts(agent):
    from axes.models import AccessAttempt, AccessLog

    logs = AccessLog.objects.filter(username__iexact=agent.email).order_by("-attempt_time")[:500]
    failures = AccessAttempt.objects.filter(username__iexact=agent.email)
    return {
        "connexions": [
            {"date": log.attempt_time, "adresse_ip": log.ip_address, "navigateur": log.user_agent}
            for log in logs
        ],
        "echecs_en_cours": [
            {"date": f.attempt_time, "adresse_ip": f.ip_address, "nombre": f.failures_since_start}
            for f in failures
        ],
    }


@registry.files
def export_photo(agent):
    if agent.photo:
        yield "photo.jpg", agent.photo
