from django.urls import path

from luntan.blog import views

app_name = "blog"
urlpatterns = [
    path("blog/", views.index, name="index"),
    path("blog/new/", views.new, name="new"),
    path("blog/categories/", views.categories, name="categories"),
    path("blog/categories/<str:category_id>/delete/", views.category_delete, name="category_delete"),
    path("blog/u/<str:member_id>/", views.member_blog, name="member"),
    path("blog/u/<str:member_id>/feed/", views.MemberFeed(), name="feed"),
    path("blog/comment/<str:comment_id>/delete/", views.comment_delete, name="comment_delete"),
    path("blog/<str:post_id>/", views.post, name="post"),
    path("blog/<str:post_id>/edit/", views.edit, name="edit"),
    path("blog/<str:post_id>/delete/", views.delete, name="delete"),
    path("blog/<str:post_id>/comment/", views.comment, name="comment"),
    path("blog/<str:post_id>/mood/", views.mood, name="mood"),
    path("friends/", views.friends, name="friends"),
    path("friends/add/", views.friend_add, name="friend_add"),
    path("friends/<str:member_id>/remove/", views.friend_remove, name="friend_remove"),
]
