"""Generate large forums in the project's database (bench/forum_generator.py).

    .venv/bin/python -m bench.generate_forums                       # 500 communities, 1M posts
    .venv/bin/python -m bench.generate_forums --posts 50000 --topics 5000 --communities 50

Generated agents (bench/generator.py), communities with their members and charter, categories
with a help forum in each, topics and posts in French, votes, solutions, read positions. The
settings are those of ``manage.py`` (``DJANGO_SETTINGS_MODULE``, ``maillage.settings.dev`` by
default). Refused under production settings (``DEMO_DATA_ALLOWED``).
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate_forums", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--communities", type=int, default=500)
    parser.add_argument("--topics", type=int, default=50_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument(
        "--agents",
        type=int,
        default=3000,
        help="agents to generate first; 0 uses the generated agents already there",
    )
    parser.add_argument(
        "--long-topics", type=int, default=None, help="topics of --long-replies replies"
    )
    parser.add_argument("--long-replies", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verbose", "-v", action="store_true", help="say each step")
    args = parser.parse_args(argv)
    if min(args.communities, args.topics, args.posts, args.agents, args.long_replies) < 0:
        parser.error("Les nombres doivent être positifs.")
    return args


def generate(args, stdout=None):
    """Generate what ``args`` asks (Django being set up) and print the counts; ``SystemExit``
    with the reason when refused."""
    from django.conf import settings

    from bench.forum_generator import generate_forums

    stdout = stdout or sys.stdout
    if not settings.DEMO_DATA_ALLOWED:
        raise SystemExit("Les données générées sont interdites avec ces réglages.")
    try:
        made = generate_forums(
            communities=args.communities,
            topics=args.topics,
            posts=args.posts,
            agents=args.agents,
            long_topics=args.long_topics,
            long_replies=args.long_replies,
            seed=args.seed,
            log=(lambda message: print(f"  … {message}", file=stdout)) if args.verbose else None,
        )
    except ValueError as error:
        raise SystemExit(str(error)) from error
    print(
        f"Forums générés en {made['seconds']:.1f} s : {made['communities']} communautés, "
        f"{made['memberships']} adhésions, {made['categories']} catégories, {made['topics']} "
        f"sujets, {made['posts']} messages, {made['votes']} votes, {made['reactions']} "
        f"réactions, {made['reads']} positions de lecture, {made['follows']} abonnements. "
        f"La plus active : /communautes/{made['community']}/forum/.",
        file=stdout,
    )
    return made


def main(argv=None):
    args = parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    generate(args)


if __name__ == "__main__":
    main()
