"""统计排行. The page is the same for every reader but the user box (a hole), so it is kept whole, under the
period tab it shows; the figures themselves are kept for STATS_MINUTES (luntan.stats.queries)."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from markupsafe import Markup

from luntan.core import pagecache
from luntan.stats import queries
from luntan.stats.charts import Point, bar_chart, line_chart


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    desc: str
    head: str  # the data table's value column
    points: list[Point]
    svg: Markup


def _points(days: list[queries.Day]) -> list[Point]:
    return [Point(d.day.strftime("%m-%d"), d.value) for d in days]


def _chart(draw, *, chart_id: str, title: str, desc: str, head: str, points: list[Point]) -> Chart:
    return Chart(id=chart_id, title=title, desc=desc, head=head, points=points,
                 svg=draw(chart_id=chart_id, title=title, desc=desc, points=points))


def _charts(found: queries.Figures) -> list[Chart]:
    posts = _points(found.posts_by_day)
    members = _points(found.members_over_time)
    charts = [
        _chart(bar_chart, chart_id="chart-posts", title=_("Posts a day, last %(n)s days") % {"n": len(posts)},
               desc=_("From %(first)s to %(last)s: %(total)s posts, at most %(max)s in a day.") % {
                   "first": found.posts_by_day[0].day, "last": found.posts_by_day[-1].day,
                   "total": sum(p.value for p in posts), "max": max(p.value for p in posts)},
               head=_("Posts"), points=posts),
        _chart(line_chart, chart_id="chart-members",
               title=(_("Members, at the end of each week") if found.members_by == "week"
                      else _("Members, at the end of each day")),
               desc=_("From %(first)s to %(last)s the register grew from %(start)s to %(end)s members.") % {
                   "first": found.members_over_time[0].day, "last": found.members_over_time[-1].day,
                   "start": members[0].value, "end": members[-1].value},
               head=_("Members"), points=members),
    ]
    if found.checkins_by_day is not None:
        checkins = _points(found.checkins_by_day)
        charts.append(_chart(
            bar_chart, chart_id="chart-checkins", title=_("Check-ins a day, last %(n)s days") % {"n": len(checkins)},
            desc=_("%(total)s check-ins, at most %(max)s in a day.") % {
                "total": sum(p.value for p in checkins), "max": max(p.value for p in checkins)},
            head=_("Check-ins"), points=checkins))
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

    params: dict[str, object] = {} if period == queries.DEFAULT_PERIOD else {"period": period}
    return pagecache.kept_page(request, ("stats",), build, params=params)
