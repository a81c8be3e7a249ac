"""A large, realistic directory for benchmarks: ``python -m bench.generate``.

Services over every region and department (regional directorates, préfectures and
sous-préfectures, DDT(M), DDPP, DDFiP… and their units), agents with French names, positions and
skills from ``generator_vocabulary`` with a Zipf-like popularity, expertise, interests,
languages, peer endorsements and community memberships.

Everything is built in memory first and written with ``bulk_create`` in a handful of queries per
table: 20,000 agents take seconds, not minutes. ``Agent.search_text`` is computed by
``directory.search_index.search_text_from`` (what ``agent_search_text`` calls) from the values in
memory, with no query per agent: the text is exactly what a profile save would store.

Never run under production settings (``DEMO_DATA_ALLOWED``).
"""

import bisect
import random
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import accumulate

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from bench import generator_vocabulary as vocab
from communities.models import Community, Membership
from directory import facet_tags, whole_counts
from directory.models import (
    Agent,
    Department,
    Endorsement,
    Ministry,
    Region,
    Service,
    ServiceKind,
    TaggedExpertise,
    TaggedInterest,
    TaggedLanguage,
)
from directory.search_index import search_text_from

EMAIL_DOMAIN = "bench.gouv.fr"
BATCH_SIZE = 2000
SKILL_COUNTS = ([2, 3, 4, 5, 6, 7, 8], [12, 22, 24, 18, 12, 7, 5])
# Relative sizes of services, by kind: a DREAL or a DDFiP employs more than a sous-préfecture.
KIND_WEIGHTS = {
    "PREF-REG": 12, "SGAR": 4, "DREAL": 10, "DEAL": 10, "DRAAF": 6, "DAAF": 5, "DIRECCTE": 8,
    "DIECCTE": 6, "DRAC": 4, "DAC": 3, "DRJSCS": 4, "DJSCS": 3, "DRFIP": 8, "ARS": 10,
    "RECTORAT": 8, "PREF-DEP": 8, "DDT": 8, "DDTM": 9, "DDPP": 5, "DDCS": 4, "DDCSPP": 6,
    "UT-DIRECCTE": 4, "DDFIP": 10, "SIDSIC": 2, "SOUS-PREF": 1.5,
}  # fmt: skip
UNIT_WEIGHT = 3
DEPARTMENT_BRANCH_WEIGHT = 3


@dataclass
class PlannedService:
    service: Service
    domains: list
    weight: float
    agents: list = field(default_factory=list)


def _ascii(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _email_part(text):
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")


def _gendered(template, female):
    """« Charg{é|ée} de mission » → « Chargé de mission » or « Chargée de mission »."""
    return re.sub(r"\{([^|}]*)\|([^}]*)\}", lambda m: m.group(2 if female else 1), template)


def _of_department(department):
    """« de l'Hérault », « du Finistère », « des Landes », « de la Manche », « de Paris »."""
    code, name = department.code, department.name
    if code in vocab.BARE_DEPARTMENTS:
        return f"de {name}"
    if code in vocab.PLURAL_DEPARTMENTS:
        return f"des {name}"
    if name[0] in "AEIOUYÉÈ" or name.startswith("Hé"):
        return f"de l'{name}"
    if code in vocab.FEMININE_DEPARTMENTS:
        return f"de la {name}"
    return f"du {name}"


def _of_region(region):
    name = region.name
    if name in vocab.PLURAL_REGIONS:
        return f"des {name}"
    if name in vocab.MASCULINE_REGIONS:
        return f"du {name}"
    if name[0] in "AEIOUYÉÈÎ":
        return f"d'{name}"
    return f"de {name}"


def _of_town(town):
    if town.startswith("Le "):
        return f"du {town[3:]}"
    if town.startswith("Les "):
        return f"des {town[4:]}"
    if town[0] in "AEIOUYÉÈ":
        return f"d'{town}"
    return f"de {town}"


def _short_region(region):
    return vocab.REGION_ABBREVIATIONS.get(region.name, region.name)


def _zipf_cumulative(count, exponent=1.0):
    return list(accumulate(1 / (rank + 1) ** exponent for rank in range(count)))


# --- services --------------------------------------------------------------------------------


def _plan_services(rng, target):
    """The services to create, by priority: every regional and departmental directorate, then
    the sous-préfectures, then named units of the departmental services."""
    kinds = {kind.code: kind for kind in ServiceKind.objects.select_related("default_ministry")}
    interministerial = Ministry.objects.get(code=Ministry.INTERMINISTERIAL)
    regions = list(Region.objects.order_by("code"))
    departments = list(Department.objects.select_related("region").order_by("code"))

    def planned(
        kind_code, short_name, name, region, department, city, *, domains=None, weight=None
    ):
        kind = kinds[kind_code]
        ministry = interministerial if kind.family == "ddi" else kind.default_ministry
        return PlannedService(
            Service(
                kind=kind,
                ministry=ministry,
                region=region,
                department=department,
                short_name=short_name[:60],
                name=name[:200],
                city=city,
            ),
            domains=domains or vocab.KIND_DOMAINS[kind_code],
            weight=weight or KIND_WEIGHTS.get(kind_code, UNIT_WEIGHT),
        )

    core, sous_prefectures, units = [], [], []
    for region in regions:
        of, short, city = _of_region(region), _short_region(region), region.chef_lieu
        regional = ["DREAL", "DRAAF", "DIRECCTE", "DRAC", "DRJSCS"]
        if region.overseas:
            regional = ["DEAL", "DAAF", "DIECCTE", "DAC", "DJSCS"]
        core.append(
            planned(
                "PREF-REG",
                f"Préfecture {of}",
                f"Préfecture de la région {region.name}",
                region,
                None,
                city,
            )
        )
        core.append(
            planned("SGAR", f"SGAR {short}", f"{kinds['SGAR'].name} {of}", region, None, city)
        )
        for code in [*regional, "DRFIP", "ARS"]:
            core.append(
                planned(code, f"{code} {short}", f"{kinds[code].name} {of}", region, None, city)
            )
        core.append(
            planned(
                "RECTORAT",
                f"Rectorat {_of_town(city)}",
                f"Rectorat de l'académie {_of_town(city)}",
                region,
                None,
                city,
            )
        )

    for department in departments:
        region, code, of, city = (
            department.region,
            department.code,
            _of_department(department),
            department.prefecture,
        )
        short_region = _short_region(region)
        here = []
        if not region.overseas:
            here.append(
                planned(
                    "PREF-DEP", f"Préfecture {of}", f"Préfecture {of}", region, department, city
                )
            )
            ddt = "DDTM" if code in vocab.COASTAL_DEPARTMENTS else "DDT"
            here.append(
                planned(ddt, f"{ddt} {code}", f"{kinds[ddt].name} {of}", region, department, city)
            )
            protection = ["DDPP", "DDCS"] if code in vocab.LARGE_DEPARTMENTS else ["DDCSPP"]
            for kind_code in protection:
                here.append(
                    planned(
                        kind_code,
                        f"{kind_code} {code}",
                        f"{kinds[kind_code].name} {of}",
                        region,
                        department,
                        city,
                    )
                )
            here.append(
                planned(
                    "UT-DIRECCTE",
                    f"UD DIRECCTE {code}",
                    f"Unité départementale {of} de la DIRECCTE {short_region}",
                    region,
                    department,
                    city,
                )
            )
            here.append(
                planned(
                    "DDFIP",
                    f"DDFiP {code}",
                    f"{kinds['DDFIP'].name} {of}",
                    region,
                    department,
                    city,
                )
            )
            here.append(
                planned(
                    "DREAL",
                    f"UD DREAL {code}",
                    f"Unité départementale {of} de la DREAL {short_region}",
                    region,
                    department,
                    city,
                    weight=DEPARTMENT_BRANCH_WEIGHT,
                )
            )
            here.append(
                planned(
                    "ARS",
                    f"ARS DD {code}",
                    f"Délégation départementale {of} de l'ARS {region.name}",
                    region,
                    department,
                    city,
                    weight=DEPARTMENT_BRANCH_WEIGHT,
                )
            )
            here.append(
                planned(
                    "RECTORAT",
                    f"DSDEN {code}",
                    f"Direction des services départementaux de l'Éducation nationale {of}",
                    region,
                    department,
                    city,
                    weight=5,
                )
            )
        here.append(
            planned(
                "SIDSIC", f"SIDSIC {code}", f"{kinds['SIDSIC'].name} {of}", region, department, city
            )
        )
        core.extend(here)
        for town in vocab.SOUS_PREFECTURES.get(code, []):
            sous_prefectures.append(
                planned(
                    "SOUS-PREF",
                    f"Sous-préfecture {_of_town(town)}",
                    f"Sous-préfecture {_of_town(town)}",
                    region,
                    department,
                    town,
                )
            )
        for parent in here:
            for unit_name, unit_short, domain in vocab.UNITS.get(parent.service.kind.code, []):
                units.append(
                    planned(
                        parent.service.kind.code,
                        f"{parent.service.short_name} – {unit_short}",
                        f"{unit_name} ({parent.service.short_name})",
                        region,
                        department,
                        city,
                        domains=[domain],
                        weight=UNIT_WEIGHT,
                    )
                )

    if target <= len(core):
        return rng.sample(core, target)
    chosen = list(core)
    for tier in (sous_prefectures, units):
        room = target - len(chosen)
        if room <= 0:
            break
        chosen.extend(tier if room >= len(tier) else rng.sample(tier, room))
    return chosen


def _existing_plans():
    """Plans for the services already in the database: more agents in the same directory."""
    plans = []
    for service in Service.objects.select_related("kind", "region", "department").order_by("pk"):
        code = service.kind.code
        plans.append(
            PlannedService(
                service,
                domains=vocab.KIND_DOMAINS.get(code, vocab.TRANSVERSAL_DOMAINS),
                weight=KIND_WEIGHTS.get(code, UNIT_WEIGHT),
            )
        )
    if not plans:
        raise ValueError("No service yet: generate some with services > 0.")
    return plans


def _assign_slugs(plans):
    taken = set(Service.objects.values_list("slug", flat=True))
    for plan in plans:
        base = slugify(plan.service.short_name)[:110] or "service"
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        plan.service.slug = slug


# --- tags ------------------------------------------------------------------------------------


def _tags_by_name(names):
    """Tag ids for ``names``, creating the missing ones in one bulk insert.

    Tags are matched without regard to case, as the project's taggit settings do.
    """
    wanted = {name.lower(): name for name in names}
    existing = {}
    for tag in Tag.objects.all().only("id", "name", "slug"):
        existing[tag.name.lower()] = tag
    slugs = set(Tag.objects.values_list("slug", flat=True))
    missing = []
    for lower, name in wanted.items():
        if lower in existing:
            continue
        tag = Tag(name=name)
        base = tag.slugify(name)
        slug, number = base, 0
        while slug in slugs:
            number += 1
            slug = tag.slugify(name, number)
        slugs.add(slug)
        tag.slug = slug
        missing.append(tag)
    Tag.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    if missing and missing[0].pk is None:  # a backend that does not return primary keys
        created = Tag.objects.filter(name__in=[tag.name for tag in missing])
        existing.update({tag.name.lower(): tag for tag in created})
    else:
        existing.update({tag.name.lower(): tag for tag in missing})
    return {name: existing[lower].pk for lower, name in wanted.items()}


# --- agents ----------------------------------------------------------------------------------


class _SkillDrawer:
    """Draws distinct skills: mostly from the domains of the agent's service and position, a
    few from the transversal domains; within a domain the first listed are the most common."""

    OWN_SHARE = 0.75

    def __init__(self, rng):
        self.rng = rng
        self._pools = {}
        self.transversal = self._pool(tuple(vocab.TRANSVERSAL_DOMAINS))

    def _pool(self, domains):
        if domains not in self._pools:
            skills, weights = [], []
            for domain in domains:
                names = vocab.SKILLS[domain]
                skills.extend(names)
                weights.extend(1 / (rank + 1) for rank in range(len(names)))
            self._pools[domains] = (skills, list(accumulate(weights)))
        return self._pools[domains]

    def _one(self, pool):
        skills, cumulative = pool
        return skills[bisect.bisect(cumulative, self.rng.random() * cumulative[-1])]

    def draw(self, domains, first_domain, count):
        own = self._pool(tuple(dict.fromkeys([first_domain, *domains])))
        chosen = [self._one(self._pool((first_domain,)))]
        attempts = 0
        while len(chosen) < count and attempts < count * 20:
            attempts += 1
            pool = own if self.rng.random() < self.OWN_SHARE else self.transversal
            skill = self._one(pool)
            if skill not in chosen:
                chosen.append(skill)
        return chosen


def _phone(rng, region):
    prefix = {"11": "01", "53": "02", "52": "02", "28": "02", "24": "02", "75": "05", "76": "05"}
    head = prefix.get(region.code, rng.choice(["03", "04"]))
    return f"{head} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def _build_agents(rng, plans, count, *, password, first_number, now):
    """Unsaved agents with their tag names, ready for bulk_create."""
    drawer = _SkillDrawer(rng)
    cumulative_services = list(accumulate(plan.weight for plan in plans))
    language_weights = [40, 12, 10, 6, 3, 2, 3, 2, 2, 1, 1, 1, 1, 1]
    built = []
    for number in range(first_number, first_number + count):
        female = rng.random() < 0.55
        first = rng.choice(vocab.FIRST_NAMES_F if female else vocab.FIRST_NAMES_M)
        last = rng.choice(vocab.LAST_NAMES)
        plan = plans[bisect.bisect(cumulative_services, rng.random() * cumulative_services[-1])]
        service = plan.service
        domain = (
            rng.choice(plan.domains)
            if rng.random() < 0.8
            else rng.choice(vocab.TRANSVERSAL_DOMAINS)
        )
        position = _gendered(rng.choice(vocab.POSITIONS[domain]), female)
        skills = drawer.draw(plan.domains, domain, rng.choices(*SKILL_COUNTS)[0])
        expertise = (
            rng.sample(skills, rng.randint(1, min(3, len(skills)))) if rng.random() < 0.45 else []
        )
        interests = rng.sample(vocab.INTERESTS, rng.randint(1, 3)) if rng.random() < 0.6 else []
        languages = []
        if rng.random() < 0.5:
            languages = list(
                dict.fromkeys(rng.choices(vocab.LANGUAGES, language_weights, k=rng.randint(1, 2)))
            )
        agent = Agent(
            email=f"{_email_part(first)}.{_email_part(last)}.{number}@{EMAIL_DOMAIN}",
            password=password,
            first_name=first,
            last_name=last,
            service=service,
            position=position,
            phone=_phone(rng, service.region),
            bio=f"{position} — {service.name}." if rng.random() < 0.3 else "",
            open_to_mentoring=rng.random() < 0.12,
            seeking_mobility=rng.random() < 0.08,
            innovators_network=rng.random() < 0.05,
            phone_visibility=rng.choices(["all", "communities", "nobody"], [40, 45, 15])[0],
            email_visibility=rng.choices(["all", "communities", "nobody"], [85, 10, 5])[0],
            date_joined=now
            - timedelta(days=rng.randint(0, 3 * 365), seconds=rng.randint(0, 86399)),
            is_active=True,
        )
        agent.search_text = search_text_from(
            first_name=first,
            last_name=last,
            position=position,
            service_short_name=service.short_name,
            service_name=service.name,
            skills=skills,
            expertise=expertise,
            interests=interests,
        )
        built.append((agent, skills, expertise, interests, languages, plan))
    return built


def _build_endorsements(rng, built, tag_ids, target, now):
    """Endorsements of agents' own skills by peers who share the skill or the service; a few
    agents are endorsed a lot (Zipf-like), most a little. Never self, never twice."""
    if len(built) < 2 or target <= 0:
        return []
    holders = {}
    for index, (_agent, skills, *_rest) in enumerate(built):
        for skill in skills:
            holders.setdefault(skill, []).append(index)
    order = list(range(len(built)))
    rng.shuffle(order)
    cumulative = _zipf_cumulative(len(order), exponent=0.6)
    seen = set()
    rows = []
    attempts = 0
    while len(rows) < target and attempts < target * 5:
        attempts += 1
        target_index = order[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
        agent, skills, _expertise, _interests, _languages, plan = built[target_index]
        skill = rng.choice(skills)
        draw = rng.random()
        if draw < 0.5:
            endorser_index = rng.choice(holders[skill])
        elif draw < 0.8 and len(plan.agents) > 1:
            endorser_index = rng.choice(plan.agents)
        else:
            endorser_index = rng.randrange(len(built))
        if endorser_index == target_index:
            continue
        key = (target_index, skill, endorser_index)
        if key in seen:
            continue
        seen.add(key)
        endorser = built[endorser_index][0]
        since = max(agent.date_joined, endorser.date_joined)
        created = since + (now - since) * rng.random()
        rows.append(
            Endorsement(
                agent_id=agent.pk,
                endorser_id=endorser.pk,
                tag_id=tag_ids[skill],
                created_at=created,
            )
        )
    return rows


def _build_memberships(rng, built, now):
    """Active memberships of about a third of the agents in the open communities, if any."""
    communities = list(
        Community.objects.filter(archived_at__isnull=True, is_animators_community=False)
        .exclude(visibility=Community.Visibility.PRIVATE_SECRET)
        .order_by("pk")
    )
    if not communities:
        return []
    rng.shuffle(communities)
    cumulative = _zipf_cumulative(len(communities), exponent=0.8)
    rows = []
    for agent, *_rest in built:
        if rng.random() >= 0.35:
            continue
        picked = {
            communities[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
            for _ in range(rng.randint(1, 3))
        }
        for community in picked:
            joined = agent.date_joined + (now - agent.date_joined) * rng.random()
            rows.append(
                Membership(
                    community=community,
                    agent_id=agent.pk,
                    state=Membership.State.ACTIVE,
                    role=Membership.Role.MEMBER,
                    charter_accepted_id=community.current_charter_id,
                    created_at=joined,
                    joined_at=joined,
                )
            )
    return rows


# --- the command's work ----------------------------------------------------------------------


def generate_directory(
    *, agents=20000, services=2000, seed=1, endorsements=None, password=None, log=None
):
    """Create ``services`` services and ``agents`` agents with tags, endorsements and
    memberships; return the counts made and the seconds taken.

    ``services=0`` adds the agents to the services already there (all of them, demo ones
    included). ``endorsements`` defaults to 2.5 per agent. ``password``: one shared password for every
    generated agent (hashed once); by default their passwords are unusable.
    """
    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured("Generated directory data is not allowed under these settings.")
    log = log or (lambda message: None)
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not a secret
    now = timezone.now()
    endorsements = round(agents * 2.5) if endorsements is None else endorsements
    password_hash = make_password(password) if password else "!"  # "!": unusable (Django's mark)

    with transaction.atomic():
        if services:
            plans = _plan_services(rng, services)
            _assign_slugs(plans)
            Service.objects.bulk_create([plan.service for plan in plans], batch_size=BATCH_SIZE)
            log(f"{len(plans)} services")
        else:
            plans = _existing_plans()

        first_number = Agent.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count() + 1
        built = _build_agents(
            rng, plans, agents, password=password_hash, first_number=first_number, now=now
        )
        Agent.objects.bulk_create([row[0] for row in built], batch_size=BATCH_SIZE)
        for index, (_agent, *_rest, plan) in enumerate(built):
            plan.agents.append(index)
        log(f"{len(built)} agents")

        names = {name for row in built for tags in row[1:5] for name in tags}
        tag_ids = _tags_by_name(names)
        agent_type = ContentType.objects.get_for_model(Agent)
        skill_rows, expertise_rows, interest_rows, language_rows = [], [], [], []
        for agent, skills, expertise, interests, languages, _plan in built:
            skill_rows.extend(
                TaggedItem(tag_id=tag_ids[name], content_type=agent_type, object_id=agent.pk)
                for name in skills
            )
            expertise_rows.extend(
                TaggedExpertise(tag_id=tag_ids[n], content_object_id=agent.pk) for n in expertise
            )
            interest_rows.extend(
                TaggedInterest(tag_id=tag_ids[n], content_object_id=agent.pk) for n in interests
            )
            language_rows.extend(
                TaggedLanguage(tag_id=tag_ids[n], content_object_id=agent.pk) for n in languages
            )
        for model, rows in (
            (TaggedItem, skill_rows),
            (TaggedExpertise, expertise_rows),
            (TaggedInterest, interest_rows),
            (TaggedLanguage, language_rows),
        ):
            model.objects.bulk_create(rows, batch_size=BATCH_SIZE * 2)
        log(f"{len(tag_ids)} tags, {len(skill_rows)} skills given")

        endorsement_rows = _build_endorsements(rng, built, tag_ids, endorsements, now)
        Endorsement.objects.bulk_create(endorsement_rows, batch_size=BATCH_SIZE * 2)
        log(f"{len(endorsement_rows)} endorsements")

        membership_rows = _build_memberships(rng, built, now)
        if membership_rows:
            Membership.objects.bulk_create(membership_rows, batch_size=BATCH_SIZE * 2)
            active = (
                Membership.objects.filter(community=OuterRef("pk"), state=Membership.State.ACTIVE)
                .values("community")
                .annotate(total=Count("pk"))
                .values("total")
            )
            joined = {row.community_id for row in membership_rows}
            Community.objects.filter(pk__in=joined).update(member_count=Subquery(active))

        # Bulk creation sends no signal: the agents' stored facet tags (their skills and
        # communities) are written here, by the code that keeps them.
        facet_tags.refresh(agent.pk for agent, *_rest in built)
        log("facet tags stored")

    # The directory's cached counts are forgotten here, and once more on commit (a count cached
    # meanwhile by another process would miss the new rows).
    whole_counts.changed()
    transaction.on_commit(whole_counts.changed)

    if connection.vendor == "postgresql":
        # Fresh statistics for the planner now, rather than when autovacuum comes by: a bulk
        # load can multiply a table's size. Outside a transaction, the agents' table is also
        # compacted: storing their facet tags rewrote every row just written, which left the
        # table and its trigram index twice their size (85 and 68 MB instead of 46 and 28 at
        # 82,000 agents), and PostgreSQL then scans the table for a word instead of the index.
        models = [Service, Agent, Tag, TaggedItem, TaggedExpertise, TaggedInterest]
        models += [TaggedLanguage, Endorsement, Membership]
        tables = [connection.ops.quote_name(model._meta.db_table) for model in models]
        with connection.cursor() as cursor:
            if not connection.in_atomic_block:
                cursor.execute("VACUUM FULL " + connection.ops.quote_name(Agent._meta.db_table))
            cursor.execute("ANALYZE " + ", ".join(tables))

    return {
        "services": len(plans) if services else 0,
        "agents": len(built),
        "tags": len(tag_ids),
        "skills": len(skill_rows),
        "expertise": len(expertise_rows),
        "interests": len(interest_rows),
        "languages": len(language_rows),
        "endorsements": len(endorsement_rows),
        "memberships": len(membership_rows),
        "seconds": time.perf_counter() - started,
    }
