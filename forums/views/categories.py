"""The animators manage the forum's categories: name, description, order, who may open a topic,
help forum."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from forums import services
from forums.forms import CategoryForm
from forums.models import Category
from forums.views.common import base_context, category_or_404, forum_view
from maillage.http import run_service


def _list_url(community):
    return reverse("forums:categories", args=[community.slug])


@forum_view("can_manage_categories")
def category_list(request, community, ab, fa):
    categories = list(Category.objects.filter(community=community))
    for category in categories:
        category.community = community
    context = base_context(community, ab, fa, title=_("Catégories du forum"), categories=categories)
    return render(request, "forums/categories.html", context)


@forum_view("can_manage_categories")
def category_new(request, community, ab, fa):
    form = CategoryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            _category, ok = run_service(
                request,
                services.category_create,
                community=community,
                actor=request.user,
                name=data["name"],
                description=data["description"],
                who_may_start=data["who_may_start"],
                is_help=data["is_help"],
                success=_("La catégorie est créée."),
            )
            if ok:
                return redirect(_list_url(community))
        status = 400
    context = base_context(community, ab, fa, title=_("Nouvelle catégorie"), form=form)
    return render(request, "forums/category_form.html", context, status=status)


@forum_view("can_manage_categories")
def category_edit(request, community, ab, fa, category_id):
    category = category_or_404(community, category_id)
    form = CategoryForm(
        request.POST or None,
        initial={
            "name": category.name,
            "description": category.description,
            "position": category.position,
            "who_may_start": category.who_may_start,
            "is_help": category.is_help,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            _category, ok = run_service(
                request,
                services.category_update,
                category=category,
                actor=request.user,
                name=data["name"],
                description=data["description"],
                who_may_start=data["who_may_start"],
                is_help=data["is_help"],
                position=data["position"],
                success=_("La catégorie est modifiée."),
            )
            if ok:
                return redirect(_list_url(community))
        status = 400
    context = base_context(
        community, ab, fa, title=_("Modifier la catégorie"), form=form, category=category
    )
    return render(request, "forums/category_form.html", context, status=status)


@forum_view("can_manage_categories")
def category_delete(request, community, ab, fa, category_id):
    category = category_or_404(community, category_id)
    if request.method == "POST":
        _result, ok = run_service(
            request,
            services.category_delete,
            category=category,
            actor=request.user,
            success=_("La catégorie est supprimée."),
        )
        return redirect(_list_url(community))
    context = base_context(community, ab, fa, title=_("Supprimer la catégorie"), category=category)
    return render(request, "forums/category_delete.html", context)
