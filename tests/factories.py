"""factory_boy factories with French data. Reference data (regions, departments, ministries, kinds
of service) comes from the migrations, so factories pick existing rows."""

import factory
from django.conf import settings
from factory.django import DjangoModelFactory

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
