"""博客's pages: the site-wide list, a member's blog, a post with its comments and moods, the writing forms,
a member's Atom feed, and 我的好友. Every page shows the reader's own view (what they may read, their mood),
so none is kept. A post the reader may not read is a 404, as a missing one."""

from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luntan.accounts.models import Member
from luntan.blog import queries, services
from luntan.blog.forms import (
    BlogPostForm,
    CategoryForm,
    CommentForm,
    FriendForm,
    apply_service_error,
    new_submission_key,
)
from luntan.blog.models import BlogPost
from luntan.core.presence import client_address
from luntan.core.views import error_page, form_status, login_first
from luntan.forum.queries import parse_id
from luntan.protection import limits


def _message(error: Exception) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def _number(raw) -> int | None:
    text = str(raw or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    found = queries.recent_public(page_raw=request.GET.get("page"))
    return render(request, "blog/index.html", {"found": found})


@require_GET
def member_blog(request: HttpRequest, member_id: str) -> HttpResponse:
    owner = queries.access_member(member_id)
    categories = queries.categories_of(owner.pk)
    chosen = _number(request.GET.get("category"))
    category = next((c for c in categories if c.pk == chosen), None)
    found = queries.member_posts(request.user, owner, category_id=category.pk if category else None,
                                 page_raw=request.GET.get("page"))
    context = {"owner": owner, "found": found, "categories": categories, "category": category,
               "mine": request.user.is_authenticated and request.user.pk == owner.pk,
               "befriended": queries.is_friend(request.user, owner.pk)}
    return render(request, "blog/member.html", context)


def _post_page(request: HttpRequest, post: BlogPost, comment_form: CommentForm, status: int = 200) -> HttpResponse:
    context = {"post": post, "comments": queries.comments(post, page_raw=request.GET.get("page")),
               "moods": queries.mood_counts(request.user, post), "form": comment_form,
               "may_delete": services.may_delete(request.user, post),
               "may_moderate": queries.may_moderate(request.user),
               "mine": request.user.is_authenticated and post.author_id == request.user.pk}
    return render(request, "blog/post.html", context, status=status)


@require_GET
def post(request: HttpRequest, post_id: str) -> HttpResponse:
    found = queries.access_post(request.user, post_id)
    return _post_page(request, found, CommentForm(initial={"submission_key": new_submission_key()}))


@require_POST
def comment(request: HttpRequest, post_id: str) -> HttpResponse:
    found = queries.access_post(request.user, post_id)
    if not request.user.is_authenticated:
        return login_first(request)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            made = services.blog_comment_create(
                author=request.user, post_id=found.pk, source=form.cleaned_data["source"],
                fmt=form.cleaned_data["format"], ip=client_address(request),
                submission_key=form.cleaned_data["submission_key"])
        except PermissionDenied as error:
            return error_page(request, status=403, title=_("Not allowed"), message=str(error),
                              back=(reverse("blog:post", args=[found.pk]), _("Back to the post")))
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Your comment has been posted."))
            return redirect(f"{reverse('blog:post', args=[found.pk])}?page=last#comment-{made.pk}")
    return _post_page(request, found, form, status=400)


@require_POST
def comment_delete(request: HttpRequest, comment_id: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    try:
        post = services.blog_comment_delete(member=request.user, comment_id=parse_id(comment_id))
    except (PermissionDenied, ValidationError) as error:
        return error_page(request, status=403 if isinstance(error, PermissionDenied) else 400,
                          title=_("Not done"), message=_message(error), back=(reverse("blog:index"), _("Blogs")))
    messages.success(request, _("The comment has been deleted."))
    return redirect("blog:post", post.pk)


@require_POST
def mood(request: HttpRequest, post_id: str) -> HttpResponse:
    found = queries.access_post(request.user, post_id)
    if not request.user.is_authenticated:
        return login_first(request)
    back = f"{reverse('blog:post', args=[found.pk])}#moods"
    try:
        mood_id = _number(request.POST.get("mood"))
        if mood_id is None:
            raise ValidationError(_("There is no such mood. Choose one of the moods shown."))
        limits.enforce(limits.Action.VOTE, request.user, client_address(request))
        changed = services.blog_mood_vote(member=request.user, post_id=found.pk, mood_id=mood_id)
    except (PermissionDenied, ValidationError) as error:
        return error_page(request, status=403 if isinstance(error, PermissionDenied) else 400,
                          title=_("Your vote was not counted"), message=_message(error),
                          back=(back, _("Back to the post")))
    messages.success(request, _("Thank you for your vote.") if changed else _("You had already chosen this mood."))
    return redirect(back)


def _writer_form(request: HttpRequest, *, initial: dict) -> BlogPostForm:
    return BlogPostForm(request.POST or None, initial=initial, categories=queries.categories_of(request.user.pk))


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    form = _writer_form(request, initial={"submission_key": new_submission_key()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.blog_post_create(
                author=request.user, title=data["title"], source=data["source"], fmt=data["format"],
                visibility=data["visibility"], category_id=data["category"], ip=client_address(request),
                submission_key=data["submission_key"])
        except PermissionDenied as error:
            return error_page(request, status=403, title=_("Not allowed"), message=str(error))
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Your blog post has been published."))
            return redirect("blog:post", made.pk)
    return render(request, "blog/write.html", {"form": form, "editing": None}, status=form_status(form))


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, post_id: str) -> HttpResponse:
    found = queries.access_post(request.user, post_id)
    if not request.user.is_authenticated:
        return login_first(request)
    if found.author_id != request.user.pk:
        return error_page(request, status=403, title=_("Not allowed"),
                          message=_("Only the author may edit a blog post."))
    form = _writer_form(request, initial={"title": found.title, "source": found.source, "format": found.format,
                                          "visibility": found.visibility, "category": found.category_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.blog_post_edit(editor=request.user, post_id=found.pk, title=data["title"], source=data["source"],
                                    fmt=data["format"], visibility=data["visibility"], category_id=data["category"],
                                    ip=client_address(request))
        except PermissionDenied as error:
            return error_page(request, status=403, title=_("Not allowed"), message=str(error))
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Your blog post has been saved."))
            return redirect("blog:post", found.pk)
    return render(request, "blog/write.html", {"form": form, "editing": found}, status=form_status(form))


@require_POST
def delete(request: HttpRequest, post_id: str) -> HttpResponse:
    found = queries.access_post(request.user, post_id)
    if not request.user.is_authenticated:
        return login_first(request)
    try:
        services.blog_post_delete(member=request.user, post_id=found.pk)
    except (PermissionDenied, ValidationError) as error:
        return error_page(request, status=403 if isinstance(error, PermissionDenied) else 400,
                          title=_("Not done"), message=_message(error),
                          back=(reverse("blog:post", args=[found.pk]), _("Back to the post")))
    messages.success(request, _("The blog post has been deleted."))
    return redirect("blog:member", found.author_id)


@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    """我的日志分类: the member's categories, a form to add one and buttons to delete them."""
    if not request.user.is_authenticated:
        return login_first(request)
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.blog_category_create(owner=request.user, name=form.cleaned_data["name"])
        except PermissionDenied as error:
            return error_page(request, status=403, title=_("Not allowed"), message=str(error))
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("The category %(name)s is ready.") % {"name": made.name})
            return redirect("blog:categories")
    return render(request, "blog/categories.html", {"form": form, "categories": queries.categories_of(request.user.pk)},
                  status=form_status(form))


@require_POST
def category_delete(request: HttpRequest, category_id: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    try:
        services.blog_category_delete(owner=request.user, category_id=parse_id(category_id))
    except ValidationError as error:
        return error_page(request, status=400, title=_("Not done"), message=_message(error),
                          back=(reverse("blog:categories"), _("My blog categories")))
    messages.success(request, _("The category has been deleted; its posts are kept."))
    return redirect("blog:categories")


class MemberFeed(Feed):
    """A member's public posts. A feed reader signs in as nobody: only public posts, whoever asks."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, member_id: str) -> Member:
        return queries.access_member(member_id)

    def title(self, obj: Member) -> str:
        return _("%(name)s's blog") % {"name": obj.username}

    def link(self, obj: Member) -> str:
        return reverse("blog:member", args=[obj.pk])

    def items(self, obj: Member) -> list[BlogPost]:
        return queries.feed_posts(obj)

    def item_title(self, item: BlogPost) -> str:
        return item.title

    def item_description(self, item: BlogPost) -> str:
        return item.html

    def item_link(self, item: BlogPost) -> str:
        return reverse("blog:post", args=[item.pk])

    def item_author_name(self, item: BlogPost) -> str:
        return item.author.username

    def item_pubdate(self, item: BlogPost):
        return item.created_at

    def item_updateddate(self, item: BlogPost):
        return item.edited_at or item.created_at


# --- 好友 ---------------------------------------------------------------------------------------------------

@require_GET
def friends(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    return _friends_page(request, FriendForm())


def _friends_page(request: HttpRequest, form: FriendForm, status: int = 200) -> HttpResponse:
    return render(request, "blog/friends.html", {"form": form, "friends": queries.friends_of(request.user)},
                  status=status)


@require_POST
def friend_add(request: HttpRequest) -> HttpResponse:
    """Adds a member by id (the button on a blog) or by name (the form on 我的好友)."""
    if not request.user.is_authenticated:
        return login_first(request)
    form = FriendForm(request.POST)
    form.is_valid()
    friend_id = _number(request.POST.get("friend"))
    name = (form.cleaned_data.get("name") or "").strip()
    try:
        if friend_id is None:
            if not name:
                raise ValidationError(_("Please enter a member's name."))
            friend_id = Member.objects.filter(username=name, is_active=True).values_list("pk", flat=True).first()
            if friend_id is None:
                raise ValidationError(_("There is no member named %(name)s.") % {"name": name})
        added = services.friend_add(member=request.user, friend_id=friend_id)
    except (PermissionDenied, ValidationError) as error:
        form.add_error("name" if name else None, _message(error))
        return _friends_page(request, form, status=400)
    messages.success(request, _("Added to your friends.") if added else _("This member is already your friend."))
    back = request.POST.get("back")
    return redirect("blog:member", friend_id) if back == "blog" else redirect("blog:friends")


@require_POST
def friend_remove(request: HttpRequest, member_id: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    friend_id = parse_id(member_id)
    removed = services.friend_remove(member=request.user, friend_id=friend_id)
    if not removed:
        raise Http404
    messages.success(request, _("Removed from your friends."))
    return redirect("blog:member", friend_id) if request.POST.get("back") == "blog" else redirect("blog:friends")
