"""The forum's home, a category's topics, a topic's page and the form that opens a topic."""

from django.contrib.contenttypes.models import ContentType
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from forums import selectors, services
from forums.forms import ReplyForm, TopicForm
from forums.models import Post
from forums.views.common import (
    base_context,
    category_or_404,
    forum_view,
    topic_or_404,
)
from maillage.http import positive_id, run_service


def _list_context(request, community, ab, fa, category=None):
    page = selectors.topics_page(
        request.user,
        community,
        category=category,
        filtre=request.GET.get("filtre", ""),
        tri=request.GET.get("tri", ""),
        page=request.GET.get("page"),
        include_hidden=fa.can_moderate,
    )
    return {
        "topic_page": page,
        "filters": selectors.FILTERS,
        "sorts": selectors.SORTS,
    }


@forum_view()
def forum_index(request, community, ab, fa):
    categories = selectors.categories_of(request.user, community)
    context = base_context(
        community,
        ab,
        fa,
        title=_("Forum"),
        categories=categories,
        unread_total=sum(category.unread for category in categories),
        **_list_context(request, community, ab, fa),
    )
    return render(request, "forums/index.html", context)


@forum_view()
def category_detail(request, community, ab, fa, category_id):
    category = category_or_404(community, category_id)
    unread = selectors.unread_counts(request.user, community).get(category.pk, 0)
    context = base_context(
        community,
        ab,
        fa,
        title=category.name,
        category=category,
        unread=unread,
        **_list_context(request, community, ab, fa, category=category),
    )
    return render(request, "forums/category.html", context)


@forum_view()
def topic_new(request, community, ab, fa, category_id):
    category = category_or_404(community, category_id)
    form = TopicForm(
        request.POST or None, request.FILES or None, initial={"is_question": category.is_help}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            topic, ok = run_service(
                request,
                services.topic_create,
                category=category,
                agent=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                is_question=form.cleaned_data["is_question"],
                attachments=form.attachments(),
                success=_("Votre sujet est publié."),
            )
            if ok:
                return redirect(topic.get_absolute_url())
        status = 400
    context = base_context(
        community,
        ab,
        fa,
        title=_("Nouveau sujet"),
        category=category,
        form=form,
        can_start=fa.can_start(category),
    )
    return render(request, "forums/topic_form.html", context, status=status)


# The reactions offered under a post (the content contract accepts any emoji).
REACTIONS = [
    ("👍", "D'accord"),
    ("❤️", "J'aime"),
    ("🎉", "Bravo"),
    ("💡", "Bonne idée"),
    ("👀", "Je regarde"),
]


def quote_of(post):
    """The Markdown quote of a post that prefills a reply."""
    lines = "\n".join(f"> {line}" if line else ">" for line in post.body.splitlines())
    return f"> **{post.author.display_name}** a écrit (message n° {post.number}) :\n>\n{lines}\n\n"


def render_topic(request, community, ab, fa, topic, *, page=None, form=None, status=200):
    """The topic's page (also shown again, with its errors, by a refused reply)."""
    if page is None:
        page = request.GET.get("page")
    post_page = selectors.posts_page(request.user, topic, page)
    solution = None
    if topic.solution_id:
        solution = next((p for p in post_page.posts if p.pk == topic.solution_id), None)
        if solution is None:
            solution = Post.objects.select_related("author").filter(pk=topic.solution_id).first()
            if solution is not None:
                selectors.decorate(request.user, topic, [solution])
    read_before = selectors.read_number(request.user, topic) if request.user.is_authenticated else 0
    if post_page.posts and request.method == "GET":
        services.topic_read(request.user, topic, post_page.posts[-1].number)
    if form is None:
        initial = {}
        quoted = positive_id(request.GET.get("citer"))
        if quoted is not None:
            post = (
                Post.objects.select_related("author")
                .filter(pk=quoted, topic=topic, deleted_at__isnull=True, is_hidden=False)
                .first()
            )
            if post is not None:
                initial["body"] = quote_of(post)
        form = ReplyForm(initial=initial)
    may_mark = fa.can_mark_solution(topic)
    # The post's permalink and its author's profile, reversed once per page (``reverse`` per
    # post was a tenth of the page's time).
    permalink = reverse("forums:post", args=[community.slug, 0]).removesuffix("/0/")
    profile_urls = {}
    for post in [*post_page.posts, *([solution] if solution else [])]:
        post.permalink = f"{permalink}/{post.pk}/"
        post.author_url = profile_urls.get(post.author_id)
        if post.author_url is None:
            post.author_url = profile_urls[post.author_id] = post.author.get_absolute_url()
        post.unread = request.user.is_authenticated and post.number > read_before
        post.can_vote = fa.can_vote(post)
        post.can_react = fa.can_react(post)
        post.can_edit = fa.can_edit(post, topic)
        post.can_delete = fa.can_delete(post, topic)
        post.can_see_history = fa.can_see_history(post)
        post.can_mark_solution = may_mark and fa.can_be_solution(topic, post)
    context = base_context(
        community,
        ab,
        fa,
        title=topic.title,
        topic=topic,
        category=topic.category,
        page_obj=post_page,
        posts=post_page.posts,
        solution=solution,
        form=form,
        can_reply=fa.can_reply(topic),
        post_ct=ContentType.objects.get_for_model(Post),
        reaction_choices=REACTIONS,
        has_unread=request.user.is_authenticated and read_before < topic.last_number,
    )
    return render(request, "forums/topic.html", context, status=status)


@forum_view()
def topic_detail(request, community, ab, fa, topic_id):
    topic = topic_or_404(community, fa, topic_id)
    if topic.merged_into_id is not None:
        target = topic_or_404(community, fa, topic.merged_into_id)
        return redirect(target.get_absolute_url())
    return render_topic(request, community, ab, fa, topic)
