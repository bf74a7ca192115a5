from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from luntan.help import queries
from luntan.help.placeholders import expand


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    articles = queries.all_articles()
    searched = queries.search(articles, request.GET.get("q"))
    return render(request, "help/home.html", {
        "tree": queries.tree(articles), "searched": searched, "max_chars": queries.MAX_QUERY_CHARS,
    }, status=400 if searched and searched.error else 200)


@require_GET
def article(request: HttpRequest, pk: int) -> HttpResponse:
    shown = queries.article_page(queries.all_articles(), pk)
    return render(request, "help/article.html", {
        "shown": shown, "body": expand(shown.article.html), "searched": None, "max_chars": queries.MAX_QUERY_CHARS,
    })
