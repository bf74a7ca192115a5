"""每日签到's page: everyone sees today's signers and the rankings; a member also sees their calendar and
figures and the form. The page shows the reader's own data, so it is rendered for each request."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from luntan.checkin import moods, queries, services
from luntan.checkin.forms import CheckInForm, apply_service_error, new_submission_key
from luntan.core.views import error_page, form_status, login_first


def result_text(result: services.CheckInResult) -> str:
    checkin, kind = result.checkin, result.credit_type
    parts = [_("Checked in: you are today's no. %(rank)s, on a streak of %(streak)s days.") % {
        "rank": checkin.rank, "streak": checkin.streak}]
    if kind is not None and checkin.earned:
        figures = {"amount": kind.amount(checkin.reward), "name": kind.name, "bonus": kind.amount(checkin.bonus)}
        parts.append((_("Reward: %(name)s %(amount)s, plus an early-bird bonus of %(bonus)s.") if checkin.bonus
                      else _("Reward: %(name)s %(amount)s.")) % figures)
        parts.append(_("Your %(name)s is now %(balance)s.") % {"name": kind.name,
                                                                "balance": kind.amount(result.balance or 0)})
    return " ".join(parts)


@require_http_methods(["GET", "POST"])
def page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and not request.user.is_authenticated:
        return login_first(request)
    form = CheckInForm(request.POST or None, initial={"submission_key": new_submission_key()})
    if request.method == "POST" and form.is_valid():
        try:
            result = services.checkin_sign(
                member=request.user, mood=form.cleaned_data["mood"], sentence=form.cleaned_data["sentence"],
                submission_key=form.cleaned_data["submission_key"])
        except PermissionDenied as error:
            return error_page(request, status=403, title=_("Not allowed"), message=str(error))
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, result_text(result))
            return redirect("checkin:page")
    return _page(request, form)


def _clock(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M:%S")


def _page(request: HttpRequest, form: CheckInForm) -> HttpResponse:
    today = timezone.localdate()
    member = request.user
    row = services.settings_row()
    total = queries.signers_total(today)
    signers, pages = queries.signers(today, total=total, page_raw=request.GET.get("page"))
    context = {
        "form": form, "today": today, "settings": row, "moods": moods.MOODS, "mood_of": moods.mood,
        "signers": signers, "pages": pages, "total": total, "reward_type": services.reward_type(row),
        "streaks": queries.streak_ranking(today), "totals": queries.total_ranking(),
        "max_chars": row.sentence_max_chars, "clock": _clock,
    }
    if member.is_authenticated:
        first, weeks = queries.month_calendar(member, today)
        mine = queries.today_checkin(member, today)
        refusal = None
        try:
            services.check_can_check_in(member, row)
        except PermissionDenied as error:
            refusal = str(error)
        context.update(month=first, weeks=weeks, mine=mine, figures=queries.my_figures(member, today),
                       refusal=refusal)
    return render(request, "checkin/page.html", context, status=form_status(form))
