"""factory_boy factories with French data. Reference data (regions, departments, ministries, kinds
of service) comes from the migrations, so factories pick existing rows."""

import factory
from django.conf import settings
from django.utils import timezone
from factory.django import DjangoModelFactory

from communities.models import (
    Announcement,
    AnnouncementComment,
    CharterAcceptance,
    CharterVersion,
    Community,
    Membership,
    Theme,
)
from directory.models import Agent, Department, Ministry, Region, Service, ServiceKind

factory.Faker._DEFAULT_LOCALE = "fr_FR"


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    kind = factory.LazyFunction(lambda: ServiceKind.objects.get(code="DDTM"))
    department = factory.LazyFunction(lambda: Department.objects.get(code="35"))
    region = factory.LazyAttribute(
        lambda o: o.department.region if o.department else Region.objects.get(code="53")
    )
    ministry = factory.LazyFunction(lambda: Ministry.objects.get(code=Ministry.INTERMINISTERIAL))
    short_name = factory.Sequence(lambda n: f"DDTM {n}")
    name = factory.LazyAttribute(
        lambda o: f"Direction départementale des territoires et de la mer {o.short_name}"
    )
    slug = factory.Sequence(lambda n: f"service-{n}")

    class Params:
        regional = factory.Trait(
            kind=factory.LazyFunction(lambda: ServiceKind.objects.get(code="DREAL")),
            department=None,
            ministry=factory.LazyFunction(lambda: Ministry.objects.get(code="ecologie")),
        )


class AgentFactory(DjangoModelFactory):
    class Meta:
        model = Agent
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@dreal.gouv.fr")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    service = factory.SubFactory(ServiceFactory)
    position = factory.Faker("job")
    password = factory.django.Password(settings.DEMO_PASSWORD)

    class Params:
        platform_admin = factory.Trait(role=Agent.Role.ADMIN)
        sgar = factory.Trait(
            role=Agent.Role.SGAR,
            sgar_region=factory.LazyFunction(lambda: Region.objects.get(code="53")),
        )

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)


# --- communities ---------------------------------------------------------------------------------

CHARTER_TEXT = (
    "## Charte de la communauté\n\n"
    "Je m'engage à respecter les autres membres et à partager des informations exactes."
)


class ExternalAgentFactory(AgentFactory):
    """A partner outside the State (local authority, operator), invited by e-mail."""

    email = factory.Sequence(lambda n: f"partenaire{n}@mairie-rennes.fr")
    service = None
    position = "Chargée de mission"
    is_external = True


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    name = factory.Sequence(lambda n: f"Thématique {n}")
    slug = factory.Sequence(lambda n: f"thematique-{n}")


def _current_charter(community, create, extracted, **kwargs):
    """Version 1 of the charter, made current, as ``community_create`` does."""
    if not create:
        return None
    version = CharterVersion.objects.create(
        community=community, number=1, text=extracted or CHARTER_TEXT
    )
    community.current_charter = version
    community.save(update_fields=["current_charter"])
    return version


class CommunityFactory(DjangoModelFactory):
    """A community with its charter v1; traits ``open``, ``on_request``, ``private_listed``,
    ``private_secret`` (or ``visibility=…``), ``archived``; ``no_charter=True`` skips the charter,
    ``charter="texte"`` sets its text."""

    class Meta:
        model = Community
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Communauté {n}")
    slug = factory.Sequence(lambda n: f"communaute-{n}")
    description = factory.Faker("paragraph")
    objective = factory.Faker("sentence")
    kind = Community.Kind.POLICY
    visibility = Community.Visibility.OPEN
    scope = Community.Scope.REGION
    region = factory.LazyFunction(lambda: Region.objects.get(code="53"))
    archived_at = None

    class Params:
        no_charter = False
        open = factory.Trait(visibility=Community.Visibility.OPEN)
        on_request = factory.Trait(visibility=Community.Visibility.ON_REQUEST)
        private_listed = factory.Trait(visibility=Community.Visibility.PRIVATE_LISTED)
        private_secret = factory.Trait(visibility=Community.Visibility.PRIVATE_SECRET)
        archived = factory.Trait(archived_at=factory.LazyFunction(timezone.now))

    charter = factory.Maybe(
        "no_charter",
        yes_declaration=None,
        no_declaration=factory.PostGeneration(_current_charter),
    )


class MembershipFactory(DjangoModelFactory):
    """An active member who accepted the current charter, unless a trait says otherwise:
    ``requested``, ``invited``, ``without_charter``, ``animator``, ``banned``."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    agent = factory.SubFactory(AgentFactory)
    state = Membership.State.ACTIVE
    role = Membership.Role.MEMBER
    joined_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.state == Membership.State.ACTIVE else None
    )
    charter_accepted = factory.LazyAttribute(
        lambda o: o.community.current_charter if o.state == Membership.State.ACTIVE else None
    )

    class Params:
        requested = factory.Trait(
            state=Membership.State.REQUESTED,
            message=factory.Faker("sentence"),
        )
        invited = factory.Trait(state=Membership.State.INVITED)
        without_charter = factory.Trait(charter_accepted=None)
        animator = factory.Trait(role=Membership.Role.ANIMATOR)
        banned = factory.Trait(state=Membership.State.BANNED, reason=factory.Faker("sentence"))

    @factory.post_generation
    def acceptance(self, create, extracted, **kwargs):
        """The acceptance record goes with the accepted version; the member count follows."""
        if not create:
            return
        if self.charter_accepted_id:
            CharterAcceptance.objects.get_or_create(
                version_id=self.charter_accepted_id, agent=self.agent
            )
        count = Membership.objects.filter(
            community=self.community, state=Membership.State.ACTIVE
        ).count()
        Community.objects.filter(pk=self.community_id).update(member_count=count)
        self.community.member_count = count


class AnnouncementFactory(DjangoModelFactory):
    class Meta:
        model = Announcement

    community = factory.SubFactory(CommunityFactory)
    author = factory.SubFactory(AgentFactory)
    title = factory.Faker("sentence", nb_words=6)
    body = factory.Faker("paragraph")


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = AnnouncementComment

    announcement = factory.SubFactory(AnnouncementFactory)
    community = factory.SelfAttribute("announcement.community")
    author = factory.SubFactory(AgentFactory)
    body = factory.Faker("paragraph")
