"""The forums' pages, under a community's address (``/communautes/<slug>/forum/``)."""

from django.urls import path

from forums.views import animation, categories, following, posts, reading, topics

app_name = "forums"

F = "<slug:slug>/forum/"

urlpatterns = [
    path(F, topics.forum_index, name="index"),
    path(F + "tout-lu/", reading.mark_read, name="mark_read"),
    path(F + "categories/", categories.category_list, name="categories"),
    path(F + "categories/nouvelle/", categories.category_new, name="category_new"),
    path(
        F + "categories/<int:category_id>/modifier/",
        categories.category_edit,
        name="category_edit",
    ),
    path(
        F + "categories/<int:category_id>/supprimer/",
        categories.category_delete,
        name="category_delete",
    ),
    path(F + "<int:category_id>/", topics.category_detail, name="category"),
    path(F + "<int:category_id>/nouveau/", topics.topic_new, name="topic_new"),
    path(F + "sujet/<int:topic_id>/", topics.topic_detail, name="topic"),
    path(F + "sujet/<int:topic_id>/non-lu/", reading.topic_unread, name="topic_unread"),
    path(F + "sujet/<int:topic_id>/repondre/", posts.reply, name="reply"),
    path(F + "sujet/<int:topic_id>/solution/", posts.solution, name="solution"),
    path(F + "message/<int:post_id>/", reading.post_permalink, name="post"),
    path(F + "message/<int:post_id>/modifier/", posts.post_edit, name="post_edit"),
    path(F + "message/<int:post_id>/supprimer/", posts.post_delete, name="post_delete"),
    path(F + "message/<int:post_id>/historique/", posts.post_history, name="post_history"),
    path(F + "message/<int:post_id>/reaction/", posts.post_react, name="post_react"),
    path(F + "message/<int:post_id>/vote/", posts.post_vote, name="post_vote"),
    # Following and animation (forums.views.following, forums.views.animation).
    path(F + "<int:category_id>/suivre/", following.category_follow, name="category_follow"),
    path(F + "sujet/<int:topic_id>/suivre/", following.topic_follow, name="topic_follow"),
    path(F + "sujet/<int:topic_id>/epingler/", animation.topic_pin, name="topic_pin"),
    path(F + "sujet/<int:topic_id>/verrouiller/", animation.topic_lock, name="topic_lock"),
    path(F + "sujet/<int:topic_id>/masquer/", animation.topic_hide, name="topic_hide"),
    path(F + "sujet/<int:topic_id>/deplacer/", animation.topic_move, name="topic_move"),
    path(F + "sujet/<int:topic_id>/fusionner/", animation.topic_merge, name="topic_merge"),
    path(F + "message/<int:post_id>/masquer/", animation.post_hide, name="post_hide"),
]
