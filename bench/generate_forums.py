"""Generate large forums in the project's database (bench/forum_generator.py).

    .venv/bin/python -m bench.generate_forums                       # 500 communities, 1M posts
    .venv/bin/python -m bench.generate_forums --posts 50000 --topics 5000 --communities 50

Generated agents (bench/generator.py), communities with their members and charter, categories
with a help forum in each, topics and posts in French, votes, solutions, read positions. The
settings are those of ``manage.py`` (``DJANGO_SETTINGS_MODULE``, ``maillage.settings.dev`` by
default). Refused under production settings (``DEMO_DATA_ALLOWED``).
"""

from bench.generator_command import add_agents, new_parser, parse, run_generator, setup_and_run


def parse_args(argv=None):
    parser = new_parser("bench.generate_forums", __doc__)
    parser.add_argument("--communities", type=int, default=500)
    parser.add_argument("--topics", type=int, default=50_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    add_agents(parser)
    parser.add_argument(
        "--long-topics", type=int, default=None, help="topics of --long-replies replies"
    )
    parser.add_argument("--long-replies", type=int, default=5000)
    return parse(
        parser, argv, positive=("communities", "topics", "posts", "agents", "long_replies")
    )


def generate(args, stdout=None):
    """Generate what ``args`` asks (Django being set up) and print the counts; ``SystemExit``
    with the reason when refused."""
    from bench.forum_generator import generate_forums

    return run_generator(
        lambda log: generate_forums(
            communities=args.communities,
            topics=args.topics,
            posts=args.posts,
            agents=args.agents,
            long_topics=args.long_topics,
            long_replies=args.long_replies,
            seed=args.seed,
            log=log,
        ),
        args,
        lambda made: (
            f"Forums générés en {made['seconds']:.1f} s : {made['communities']} communautés, "
            f"{made['memberships']} adhésions, {made['categories']} catégories, "
            f"{made['topics']} sujets, {made['posts']} messages, {made['votes']} votes, "
            f"{made['reactions']} réactions, {made['reads']} positions de lecture, "
            f"{made['follows']} abonnements. La plus active : "
            f"/communautes/{made['community']}/forum/."
        ),
        stdout,
    )


def main(argv=None):
    setup_and_run(generate, parse_args(argv))


if __name__ == "__main__":
    main()
