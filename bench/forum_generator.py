"""Large forums for benchmarks: ``python -m bench.generate_forums``.

500 communities (a few national networks very busy, most departmental ones quiet, Zipf-like),
their members and charters, categories with a help forum in each, 50,000 topics and 1,000,000
posts written in the French of State agents' forums (questions on marchés publics, urbanisme,
police de l'eau, RH, outils numériques…: bench/forum_vocabulary.py), some topics of exactly
5,000 replies, questions with their solution, votes, reactions, edits with their revision, a few
deleted posts, read positions and follows for every author, and the measured agent's (the
busiest community's second most active member) read positions, partial ones included.

Speed: everything is planned in memory, then written once per table. On PostgreSQL through
``COPY … FROM STDIN`` (psycopg 3's ``cursor.copy()``), elsewhere through ``executemany``. Topics
and posts get their primary keys here: the posts in the order they were written (their
``created_at``), so that a topic's posts lie scattered over the table as on a live server, not
side by side. The sequences are reset afterwards.

The models' invariants hold (``check_invariants`` says which does not): a topic's posts are
numbered 1..``last_number`` without gaps, ``reply_count`` counts the replies shown,
``last_post_*`` is its last post, ``vote_count`` is the votes' count (the topic's is its opening
post's), a solution is a shown reply of the same question, a post's ``community`` is its
topic's, a category's counters are its topics'.

Never run under production settings (``DEMO_DATA_ALLOWED``).
"""

import bisect
import math
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from bench import forum_vocabulary as vocab
from bench.generator import EMAIL_DOMAIN, generate_directory
from communities.content.models import Subscription
from communities.models import CharterVersion, Community, Membership
from directory import facet_tags
from directory.models import Agent, Department, Region
from forums.models import (
    Category,
    CategoryRead,
    Post,
    PostReaction,
    PostRevision,
    PostVote,
    Topic,
    TopicRead,
)

EMOJIS = ("👍", "❤️", "😄", "🎉", "🤔", "👀", "🙏", "✅")
DAY = 86400.0
BATCH_SIZE = 2000
# Share of topics with no reply at all (the « sans réponse » filter), of question topics solved.
UNANSWERED, SOLVED = 0.12, 0.6
DELETED, EDITED = 0.004, 0.02
# Largest community's members; the others shrink as rank ** -MEMBERS_EXPONENT.
MAX_MEMBERS, MEMBERS_EXPONENT, TOPICS_EXPONENT = 1500, 0.7, 0.9


@dataclass(eq=False)
class _Community:
    rank: int
    subject: str
    domain: str
    community: Community = None
    members: list = field(default_factory=list)  # agent ids, most active first
    cumulative: list = field(default_factory=list)  # Zipf weights of the members' activity
    categories: list = field(default_factory=list)
    category_cumulative: list = field(default_factory=list)

    def poster(self, rng):
        return self.members[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]

    def category(self, rng):
        cumulative = self.category_cumulative
        return self.categories[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


@dataclass(eq=False)
class _Topic:
    place: _Community
    category: Category
    created: float
    replies: int
    is_question: bool
    long: bool = False
    index: int = 0
    author: int = 0
    title: str = ""
    last_at: float = 0.0
    last_author: int = 0
    reply_count: int = 0
    vote_count: int = 0
    solution: int = None  # the solution's number
    solution_id: int = None
    is_pinned: bool = False
    is_locked: bool = False
    readers: dict = field(default_factory=dict)  # author → (highest number written, first time)


# --- text ------------------------------------------------------------------------------------


class _Text:
    """French titles and bodies, from pools of sentences whose slots are filled once."""

    VARIANTS = 5

    def __init__(self, rng):
        self.rng = rng
        self.domains = {
            key: {part: self._pool(templates) for part, templates in words.items()}
            for key, words in vocab.DOMAINS.items()
        }
        self.greetings = self._pool(vocab.GREETINGS)
        self.asks = self._pool(vocab.ASKS)
        self.openers = self._pool(vocab.OPENERS)
        self.closers = self._pool(vocab.CLOSERS)
        self.thanks = self._pool(vocab.THANKS)
        self.edited = self._pool(vocab.EDITED_NOTES)

    def _fill(self, template):
        for slot, values in vocab.SLOTS.items():
            while "{" + slot + "}" in template:
                template = template.replace("{" + slot + "}", self.rng.choice(values), 1)
        return template

    def _pool(self, templates):
        pool = []
        for template in templates:
            variants = self.VARIANTS if "{" in template else 1
            pool.extend(self._fill(template) for _ in range(variants))
        return pool

    def title(self, domain, is_question):
        words = self.domains[domain]
        return self.rng.choice(words["questions" if is_question else "discussions"])

    def opening(self, domain, is_question):
        rng, words = self.rng, self.domains[domain]
        context = " ".join(
            rng.sample(words["context"], min(len(words["context"]), rng.randint(1, 2)))
        )
        if is_question:
            return f"{rng.choice(self.greetings)}\n\n{context}\n\n{rng.choice(self.asks)}"
        return (
            f"{rng.choice(self.greetings)}\n\n{context} {rng.choice(words['answers'])}\n\n"
            "Qu'en pensez-vous ?"
        )

    def reply(self, domain, *, by_asker, quote):
        rng, words = self.rng, self.domains[domain]
        if by_asker:
            if rng.random() < 0.6:
                return rng.choice(self.thanks)
            return f"{rng.choice(words['context'])}\n\n{rng.choice(self.asks)}"
        parts = []
        if quote:
            parts.append(f"> {rng.choice(words['answers'])}")
        answers = rng.sample(words["answers"], min(len(words["answers"]), rng.randint(1, 3)))
        if rng.random() < 0.5:
            answers.insert(0, rng.choice(self.openers))
        if rng.random() < 0.12:
            parts.append(" ".join(answers[:1]))
            parts.append("\n".join(f"- {answer}" for answer in answers[1:] or answers))
        else:
            parts.append(" ".join(answers))
        if rng.random() < 0.3:
            parts.append(rng.choice(self.closers))
        return "\n\n".join(parts)


# --- writing rows ----------------------------------------------------------------------------


def _write(model, fields, rows):
    """Insert ``rows`` (tuples in the order of ``fields``) into ``model``'s table: COPY on
    PostgreSQL, batched INSERTs elsewhere. Returns the number of rows."""
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608 - our own names
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        adapt = connection.ops.adapt_datetimefield_value
        batch = []
        for row in rows:
            batch.append([adapt(v) if isinstance(v, datetime) else v for v in row])
            if len(batch) >= BATCH_SIZE:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _moment(timestamp):
    return datetime.fromtimestamp(timestamp, tz=UTC)


def _zipf_cumulative(count, exponent):
    return list(accumulate(1 / (rank + 1) ** exponent for rank in range(count)))


# --- communities -----------------------------------------------------------------------------


def _community_names(rng, count):
    """(name, subject, domain, scope, region, department), national networks first."""
    regions = list(Region.objects.order_by("code"))
    departments = list(Department.objects.order_by("code"))
    national, local = [], []
    for domain, subject in vocab.SUBJECTS:
        national.append((f"{subject} (réseau national)", subject, domain, "national", None, None))
        for region in regions:
            local.append((f"{subject} — {region.name}", subject, domain, "region", region, None))
        for department in departments:
            local.append(
                (
                    f"{subject} — {department.name} ({department.code})",
                    subject,
                    domain,
                    "department",
                    department.region,
                    department,
                )
            )
    rng.shuffle(national)
    rng.shuffle(local)
    taken = set(Community.objects.values_list("name", flat=True))
    names = [row for row in national + local if row[0] not in taken]
    if len(names) < count:
        raise ValueError(f"Au plus {len(names)} communautés générées.")
    return names[:count]


def _create_communities(rng, count, agent_ids, now):
    places = []
    slugs = set(Community.objects.values_list("slug", flat=True))
    visibilities = [
        Community.Visibility.OPEN,
        Community.Visibility.ON_REQUEST,
        Community.Visibility.PRIVATE_LISTED,
        Community.Visibility.PRIVATE_SECRET,
    ]
    max_members = min(MAX_MEMBERS, len(agent_ids))
    for rank, (name, subject, domain, scope, region, department) in enumerate(
        _community_names(rng, count)
    ):
        size = min(len(agent_ids), max(8, round(max_members / (rank + 1) ** MEMBERS_EXPONENT)))
        members = rng.sample(agent_ids, size)
        base = slugify(name)[:150] or "communaute"
        slug, number = base, 1
        while slug in slugs:
            number += 1
            slug = f"{base}-{number}"
        slugs.add(slug)
        visibility = (
            Community.Visibility.OPEN if rank == 0 else rng.choices(visibilities, [80, 12, 5, 3])[0]
        )
        created = now - timedelta(days=rng.randint(3 * 365 + 30, 5 * 365))
        community = Community(
            name=name,
            slug=slug,
            description=f"Échanges de pratiques entre agents de l'État : {subject[0].lower()}"
            f"{subject[1:]}.",
            objective="Partager nos questions, nos modèles et nos retours d'expérience.",
            kind=Community.Kind.EXPERTISE if rng.random() < 0.7 else Community.Kind.POLICY,
            visibility=visibility,
            scope=scope,
            region=region,
            department=department,
            tool_forum=True,
            member_count=size,
            created_at=created,
            created_by_id=members[0],
        )
        place = _Community(rank=rank, subject=subject, domain=domain, community=community)
        place.members = members
        place.cumulative = _zipf_cumulative(size, 1.0)
        places.append(place)
    Community.objects.bulk_create([p.community for p in places], batch_size=BATCH_SIZE)
    charters = [
        CharterVersion(
            community=p.community,
            number=1,
            text="Bienveillance, entraide, discrétion professionnelle : pas de données "
            "personnelles d'usagers dans les messages.",
            published_at=p.community.created_at,
            published_by_id=p.members[0],
        )
        for p in places
    ]
    CharterVersion.objects.bulk_create(charters, batch_size=BATCH_SIZE)
    for place, charter in zip(places, charters, strict=True):
        place.community.current_charter = charter
    Community.objects.bulk_update(
        [p.community for p in places], ["current_charter"], batch_size=BATCH_SIZE
    )
    memberships = []
    for place, charter in zip(places, charters, strict=True):
        animators = _animators(place)
        for index, agent_id in enumerate(place.members):
            joined = place.community.created_at + (now - place.community.created_at) * (
                0 if index < animators else rng.random() * 0.5
            )
            memberships.append(
                Membership(
                    community=place.community,
                    agent_id=agent_id,
                    state=Membership.State.ACTIVE,
                    role=Membership.Role.ANIMATOR if index < animators else Membership.Role.MEMBER,
                    charter_accepted=charter,
                    created_at=joined,
                    joined_at=joined,
                )
            )
    Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
    # No signal from a bulk write: the members' stored facet tags (the directory's).
    facet_tags.refresh({membership.agent_id for membership in memberships})
    return places, len(memberships)


def _generated_agents(agents, seed, log):
    """The active generated agents' ids, by primary key, ``agents`` more generated first (with a
    service for every ten, between 10 and 2,000) when ``agents`` is not 0; at least 10."""
    if agents:
        generate_directory(agents=agents, services=max(10, min(2000, agents // 10)), seed=seed)
        log(f"{agents} agents")
    agent_ids = list(
        Agent.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}", is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(agent_ids) < 10:
        raise ValueError("Il faut au moins 10 agents générés.")
    return agent_ids


def _animators(place):
    return 2 if len(place.members) > 50 else 1


def _create_categories(rng, places):
    categories = []
    for place in places:
        others = 2 + (4 if place.rank < 10 else 0) + rng.randint(0, 2)
        chosen = [vocab.HELP_CATEGORY, *rng.sample(vocab.OTHER_CATEGORIES, others - 1)]
        weights = [0.45] + [rng.uniform(0.2, 1.0) for _ in chosen[1:]]
        for position, (name, description, is_help) in enumerate(chosen):
            category = Category(
                community=place.community,
                name=name,
                description=description,
                position=position,
                is_help=is_help,
                who_may_start=(
                    Category.Starters.ANIMATORS
                    if name.startswith("Actualités")
                    else Category.Starters.MEMBERS
                ),
                created_at=place.community.created_at,
            )
            place.categories.append(category)
            categories.append(category)
        total = sum(weights[1:])
        place.category_cumulative = list(
            accumulate([weights[0]] + [0.55 * w / total for w in weights[1:]])
        )
    Category.objects.bulk_create(categories, batch_size=BATCH_SIZE)
    return categories


# --- topics and posts ------------------------------------------------------------------------


def _plan_topics(rng, places, topics, posts, long_topics, long_replies, now_ts):
    """Every topic's community, category, date and number of replies, oldest first."""
    cumulative = _zipf_cumulative(len(places), TOPICS_EXPONENT)
    counts = [0] * len(places)
    for index in rng.choices(range(len(places)), cum_weights=cumulative, k=topics):
        counts[index] += 1
    # The busiest community holds half of the long topics (one of them a question of its help
    # forum, the one the benchmark reads), the next communities the others.
    long_places = [places[0]] * math.ceil(long_topics / 2) + [
        places[1 + i % max(1, len(places) - 1)] if len(places) > 1 else places[0]
        for i in range(long_topics // 2)
    ]
    planned = []
    for number, place in enumerate(long_places):
        help_forum = place.categories[0]
        category = help_forum if number == 0 else place.category(rng)
        age = rng.uniform(200, 700) * DAY
        planned.append(
            _Topic(
                place=place,
                category=category,
                created=now_ts - age,
                replies=long_replies,
                is_question=category.is_help,
                long=True,
            )
        )
    for place, count in zip(places, counts, strict=True):
        count -= sum(1 for other in long_places if other is place)
        for _ in range(max(0, count)):
            category = place.category(rng)
            question = rng.random() < (0.85 if category.is_help else 0.08)
            age = 3 * 365 * DAY * rng.random() ** 1.6 + 600
            planned.append(
                _Topic(
                    place=place, category=category, created=now_ts - age, replies=0,
                    is_question=question,
                )
            )  # fmt: skip
    normal = [topic for topic in planned if not topic.long]
    remaining = posts - len(planned) - long_topics * long_replies
    answered = [topic for topic in normal if rng.random() >= UNANSWERED] or normal
    # Heavy-tailed, bounded weights: most topics a handful of replies, a few hundreds.
    weights = [min(60.0, rng.paretovariate(1.3)) for _ in answered]
    total = sum(weights)
    given = 0
    for topic, weight in zip(answered, weights, strict=True):
        topic.replies = int(remaining * weight / total)
        given += topic.replies
    for _ in range(remaining - given):
        rng.choice(answered).replies += 1
    planned.sort(key=lambda topic: topic.created)
    for index, topic in enumerate(planned):
        topic.index = index
    return planned


def _plan_posts(rng, text, planned, now_ts):
    """Every post as (created, topic index, number, author, votes, state), and each topic's
    derived fields. ``state``: 0 shown, 1 deleted, 2 edited."""
    rows = []
    for topic in planned:
        place = topic.place
        members = len(place.members)
        topic.author = place.poster(rng)
        topic.title = text.title(place.domain, topic.is_question)
        age_days = (now_ts - topic.created) / DAY
        if topic.long:
            duration = age_days * rng.uniform(0.6, 0.95)
        else:
            duration = min(age_days, (0.5 + topic.replies**0.8) * rng.uniform(0.3, 2.0))
        times = sorted(
            topic.created + duration * DAY * rng.random() ** 2 for _ in range(topic.replies)
        )
        topic.is_pinned = rng.random() < 0.004
        topic.is_locked = rng.random() < 0.01
        vote_ceiling = max(0, min(40, members - 1))
        votable = 0.15 if topic.is_question else 0.05
        best = (0, None)
        shown = []
        for number, created in enumerate([topic.created, *times], start=1):
            # The asker comes back in their topic a fifth of the time.
            if number == 1 or (number > 2 and rng.random() < 0.2):
                author = topic.author
            else:
                author = place.poster(rng)
            state = 0
            if number > 1:
                draw = rng.random()
                state = 1 if draw < DELETED else 2 if draw < DELETED + EDITED else 0
            votes = 0
            if state != 1 and vote_ceiling and rng.random() < votable:
                votes = min(vote_ceiling, int(rng.paretovariate(1.5)))
            rows.append((created, topic.index, number, author, votes, state))
            if number == 1:
                topic.vote_count = votes
            elif state != 1:
                topic.reply_count += 1
                shown.append(number)
                if author != topic.author and votes > best[0]:
                    best = (votes, number)
            written, first = topic.readers.get(author, (0, created))
            topic.readers[author] = (number, first)
        topic.last_at = rows[-1][0]
        topic.last_author = rows[-1][3]
        if topic.is_question and shown and rng.random() < SOLVED:
            topic.solution = best[1] or rng.choice(shown[:5])
    return rows


def generate_forums(
    *,
    communities=500,
    topics=50_000,
    posts=1_000_000,
    agents=3000,
    long_topics=None,
    long_replies=5000,
    seed=1,
    log=None,
):
    """Create the communities, their forums, topics and posts; return what was made.

    ``agents`` new agents are generated first (bench/generator.py) and become the members;
    ``agents=0`` uses the generated agents already there. ``long_topics`` topics get exactly
    ``long_replies`` replies (default: one per 6,000 topics, at least one).
    """
    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured("Generated forum data is not allowed under these settings.")
    log = log or (lambda message: None)
    if long_topics is None:
        long_topics = max(1, topics // 6000)
    if communities < 1 or topics < long_topics or long_topics < 0 or long_replies < 0:
        raise ValueError("Il faut au moins une communauté et autant de sujets que de longs sujets.")
    if posts < topics + long_topics * long_replies:
        raise ValueError(
            f"{posts} messages ne suffisent pas : {topics} sujets et {long_topics} sujets de "
            f"{long_replies} réponses en demandent au moins {topics + long_topics * long_replies}."
        )
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not a secret
    now = timezone.now()
    now_ts = now.timestamp()
    with transaction.atomic():
        agent_ids = _generated_agents(agents, seed, log)
        places, memberships = _create_communities(rng, communities, agent_ids, now)
        categories = _create_categories(rng, places)
        log(f"{len(places)} communities, {memberships} members, {len(categories)} categories")

        text = _Text(rng)
        planned = _plan_topics(rng, places, topics, posts, long_topics, long_replies, now_ts)
        rows = _plan_posts(rng, text, planned, now_ts)
        log(f"{len(planned)} topics and {len(rows)} posts planned")

        # Ids: topics by creation, posts by creation across topics (as a live server writes them).
        topic_base = (Topic.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        post_base = (Post.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        rows.sort()
        solutions = {(t.index, t.solution): t for t in planned if t.solution}
        viewer_place = places[0]
        # The measured agent: the most active member who is not an animator.
        viewer = viewer_place.members[_animators(viewer_place)]
        votes, reactions, revisions = [], [], []

        def post_rows():
            for offset, (created, index, number, author, vote_count, state) in enumerate(rows):
                post_id = post_base + offset
                topic = planned[index]
                if (index, number) in solutions:
                    topic.solution_id = post_id
                place = topic.place
                domain = place.domain
                if number == 1:
                    body = text.opening(domain, topic.is_question)
                else:
                    body = text.reply(
                        domain, by_asker=author == topic.author, quote=rng.random() < 0.08
                    )
                moment = _moment(created)
                edited_at = deleted_at = deleted_by = None
                if state == 1:
                    # As forums.services.post_delete does: the text leaves the post for its
                    # history.
                    deleted_at, deleted_by = _moment(created + 600), author
                    revisions.append((post_id, body, deleted_at, author))
                    body = ""
                elif state == 2:
                    edited_at = _moment(created + rng.uniform(60, 3 * DAY))
                    revisions.append((post_id, body, edited_at, author))
                    body = f"{body}\n\n{rng.choice(text.edited)}"
                if vote_count:
                    voters = set()
                    while len(voters) < vote_count:
                        voter = place.poster(rng)
                        if voter != author:
                            voters.add(voter)
                    votes.extend(
                        (post_id, voter, 1, _moment(created + rng.uniform(60, 20 * DAY)))
                        for voter in voters
                    )
                if state != 1 and rng.random() < 0.03:
                    for emoji in rng.sample(EMOJIS, rng.randint(1, 3)):
                        reactions.append((post_id, place.poster(rng), emoji, moment))
                yield (
                    post_id, False, place.community.pk, topic_base + index, number, author, body,
                    moment, edited_at, deleted_at, deleted_by, vote_count,
                )  # fmt: skip

        post_fields = [
            "id", "is_hidden", "community", "topic", "number", "author", "body", "created_at",
            "edited_at", "deleted_at", "deleted_by", "vote_count",
        ]  # fmt: skip
        written_posts = _write(Post, post_fields, post_rows())
        log(f"{written_posts} posts")

        topic_fields = [
            "id", "is_hidden", "community", "category", "author", "title", "is_question",
            "solution", "is_pinned", "is_locked", "merged_into", "created_at", "last_number",
            "last_post_at", "last_post_author", "reply_count", "vote_count",
        ]  # fmt: skip
        _write(
            Topic,
            topic_fields,
            (
                (
                    topic_base + t.index,
                    False,
                    t.place.community.pk,
                    t.category.pk,
                    t.author,
                    t.title,
                    t.is_question,
                    t.solution_id,
                    t.is_pinned,
                    t.is_locked,
                    None,
                    _moment(t.created),
                    t.replies + 1,
                    _moment(t.last_at),
                    t.last_author,
                    t.reply_count,
                    t.vote_count,
                )  # fmt: skip
                for t in planned
            ),
        )
        _write(PostVote, ["post", "agent", "value", "created_at"], votes)
        _write(PostReaction, ["post", "agent", "emoji", "created_at"], reactions)
        _write(PostRevision, ["post", "body", "replaced_at", "replaced_by"], revisions)
        log(f"{len(votes)} votes, {len(reactions)} reactions, {len(revisions)} revisions")

        reads, follows = _reads_and_follows(rng, planned, viewer_place, viewer, topic_base)
        topic_type = ContentType.objects.get_for_model(Topic)
        _write(
            TopicRead,
            ["agent", "topic", "last_read_number", "updated_at"],
            (
                (agent, topic_id, number, _moment(at))
                for (agent, topic_id), (number, at) in reads.items()
            ),
        )
        _write(
            Subscription,
            ["agent", "content_type", "object_id", "created_at"],
            ((agent, topic_type.pk, topic_id, _moment(at)) for agent, topic_id, at in follows),
        )
        viewer_categories = viewer_place.categories
        CategoryRead.objects.create(
            agent_id=viewer,
            category=viewer_categories[-1],
            read_at=now - timedelta(days=30),
        )
        Subscription.objects.create(
            agent_id=viewer,
            content_type=ContentType.objects.get_for_model(Category),
            object_id=viewer_categories[0].pk,
        )
        log(f"{len(reads)} read positions, {len(follows)} follows")

        _count_categories(planned, categories)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [Topic, Post]):
                    cursor.execute(sql)

    if connection.vendor == "postgresql":
        models = [Community, Membership, Category, Topic, Post, PostVote, PostReaction]
        models += [PostRevision, TopicRead, CategoryRead, Subscription]
        tables = [connection.ops.quote_name(model._meta.db_table) for model in models]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(tables))

    long_ids = [topic_base + t.index for t in planned if t.long]
    busiest = places[0].community
    return {
        "communities": len(places),
        "memberships": memberships,
        "categories": len(categories),
        "topics": len(planned),
        "posts": written_posts,
        "votes": len(votes),
        "reactions": len(reactions),
        "revisions": len(revisions),
        "reads": len(reads),
        "follows": len(follows),
        "long_topics": long_ids,
        "long_topic": next(
            topic_base + t.index
            for t in planned
            if t.long and t.place is places[0] and t.category.is_help
        )
        if long_topics
        else None,
        "community": busiest.slug,
        "help_category": places[0].categories[0].pk,
        "viewer": viewer,
        "seconds": time.perf_counter() - started,
    }


def _reads_and_follows(rng, planned, viewer_place, viewer, topic_base):
    """Every author has read the topic up to their last post (often to its end) and follows it;
    the measured agent has read most of their busiest community's topics, some of them only
    in part, and none of the others."""
    reads, follows = {}, []
    for topic in planned:
        topic_id = topic_base + topic.index
        last = topic.replies + 1
        for agent, (written, first) in topic.readers.items():
            number = last if rng.random() < 0.6 else written
            reads[(agent, topic_id)] = (number, topic.last_at if number == last else first)
            follows.append((agent, topic_id, first))
        if topic.place is viewer_place:
            draw = rng.random()
            if draw < 0.6:
                reads[(viewer, topic_id)] = (last, topic.last_at)
            elif draw < 0.75 and last > 1:
                reads[(viewer, topic_id)] = (rng.randint(1, last - 1), topic.created)
            else:
                reads.pop((viewer, topic_id), None)
    return reads, follows


def _count_categories(planned, categories):
    for category in categories:
        category.topic_count = category.post_count = 0
        category.last_post_at = None
    for topic in planned:
        category = topic.category
        category.topic_count += 1
        category.post_count += topic.reply_count + 1
        last = _moment(topic.last_at)
        if category.last_post_at is None or last > category.last_post_at:
            category.last_post_at = last
    Category.objects.bulk_update(
        categories, ["topic_count", "post_count", "last_post_at"], batch_size=BATCH_SIZE
    )


def check_invariants(communities=None):
    """What breaks the forums' invariants in ``communities`` (all by default): a list of
    French sentences, empty when everything holds."""
    topics = Topic.objects.all()
    posts = Post.objects.all()
    categories = Category.objects.all()
    if communities is not None:
        topics = topics.filter(community__in=communities)
        posts = posts.filter(community__in=communities)
        categories = categories.filter(community__in=communities)
    problems = []
    numbered = topics.annotate(
        posts_n=Count("posts"),
        first=Min("posts__number"),
        last=Max("posts__number"),
        shown=Count(
            "posts",
            filter=Q(posts__number__gt=1, posts__deleted_at=None, posts__is_hidden=False),
        ),
    )
    for row in numbered.exclude(
        posts_n=F("last_number"), first=1, last=F("last_number"), shown=F("reply_count")
    ).values("pk", "last_number", "posts_n", "first", "last", "reply_count", "shown")[:5]:
        problems.append(f"sujet {row['pk']} : numéros ou compteur de réponses faux ({row})")
    last_posts = posts.filter(number=F("topic__last_number")).exclude(
        created_at=F("topic__last_post_at"), author=F("topic__last_post_author")
    )
    for pk in last_posts.values_list("topic", flat=True)[:5]:
        problems.append(f"sujet {pk} : last_post_at ou last_post_author faux")
    for pk in posts.exclude(community=F("topic__community")).values_list("pk", flat=True)[:5]:
        problems.append(f"message {pk} : pas dans la communauté de son sujet")
    for pk in topics.exclude(community=F("category__community")).values_list("pk", flat=True)[:5]:
        problems.append(f"sujet {pk} : pas dans la communauté de sa catégorie")
    voted = posts.annotate(votes_n=Count("votes")).exclude(vote_count=F("votes_n"))
    for pk in voted.values_list("pk", flat=True)[:5]:
        problems.append(f"message {pk} : vote_count différent du nombre de votes")
    openings = posts.filter(number=1).exclude(vote_count=F("topic__vote_count"))
    for pk in openings.values_list("topic", flat=True)[:5]:
        problems.append(f"sujet {pk} : vote_count différent de celui du premier message")
    solved = topics.exclude(solution=None)
    wrong = solved.exclude(
        is_question=True,
        solution__topic=F("pk"),
        solution__number__gt=1,
        solution__deleted_at=None,
        solution__is_hidden=False,
    )
    for pk in wrong.values_list("pk", flat=True)[:5]:
        problems.append(f"sujet {pk} : solution qui n'est pas une réponse affichée de la question")
    counted = categories.annotate(
        topics_n=Count("topics"),
        replies=Coalesce(Sum("topics__reply_count"), 0),
        last=Max("topics__last_post_at"),
    )
    for category in counted:
        if (
            category.topic_count != category.topics_n
            or category.post_count != category.replies + category.topics_n
            or category.last_post_at != category.last
        ):
            problems.append(f"catégorie {category.pk} : compteurs ou dernière activité faux")
    return problems
