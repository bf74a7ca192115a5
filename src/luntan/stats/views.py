"""统计排行. The page is the same for every reader but the user box (a hole), so it is kept whole, under the
period tab it shows; the figures themselves are kept for STATS_MINUTES (luntan.stats.queries)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from luntan.core import pagecache
from luntan.stats import queries
from luntan.stats.charts import Point, bar_chart, line_chart


def _charts(found: queries.Figures) -> list[dict]:
    charts = []
    posts = [Point(d.day.strftime("%m-%d"), d.value) for d in found.posts_by_day]
    charts.append({"id": "chart-posts", "title": _("Posts a day, last %(n)s days") % {"n": len(posts)},
                   "desc": _("From %(first)s to %(last)s: %(total)s posts, at most %(max)s in a day.") % {
                       "first": found.posts_by_day[0].day, "last": found.posts_by_day[-1].day,
                       "total": sum(p.value for p in posts), "max": max(p.value for p in posts)},
                   "head": _("Posts"), "points": posts})
    members = [Point(d.day.strftime("%m-%d"), d.value) for d in found.members_over_time]
    title = (_("Members, at the end of each week") if found.members_by == "week"
             else _("Members, at the end of each day"))
    charts.append({"id": "chart-members", "title": title,
                   "desc": _("From %(first)s to %(last)s the register grew from %(start)s to %(end)s members.") % {
                       "first": found.members_over_time[0].day, "last": found.members_over_time[-1].day,
                       "start": members[0].value, "end": members[-1].value},
                   "head": _("Members"), "points": members, "line": True})
    if found.checkins_by_day is not None:
        checkins = [Point(d.day.strftime("%m-%d"), d.value) for d in found.checkins_by_day]
        charts.append({"id": "chart-checkins", "title": _("Check-ins a day, last %(n)s days") % {"n": len(checkins)},
                       "desc": _("%(total)s check-ins, at most %(max)s in a day.") % {
                           "total": sum(p.value for p in checkins), "max": max(p.value for p in checkins)},
                       "head": _("Check-ins"), "points": checkins})
    for chart in charts:
        draw = line_chart if chart.pop("line", False) else bar_chart
        chart["svg"] = draw(chart_id=chart["id"], title=chart["title"], desc=chart["desc"], points=chart["points"])
    return charts


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    period = queries.clean_period(request.GET.get("period"))

    def build() -> HttpResponse:
        found = queries.figures()
        return render(request, "stats/index.html", {
            "figures": found, "charts": _charts(found), "period": queries.period_rankings(period),
            "periods": [(p, str(queries.PERIOD_LABELS[p])) for p in queries.PERIODS],
        })

    params = {} if period == queries.DEFAULT_PERIOD else {"period": period}
    return pagecache.kept_page(request, ("stats",), build, params=params)
