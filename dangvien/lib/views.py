"""The working-day calendar: public holidays of a year and the days announced on top."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from dangvien.lib import services
from dangvien.lib.errors import ServiceError
from dangvien.lib.forms import CalendarDayForm
from dangvien.lib.models import CalendarDay
from dangvien.lib.selectors import is_national_administrator
from dangvien.lib.workdays import public_holidays

_MIN_YEAR, _MAX_YEAR = 2000, 2100
_KEEPERS_ONLY = gettext_lazy("Chỉ quản trị cấp Trung ương mới sửa lịch ngày làm việc.")


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        return timezone.localdate().year
    return min(max(year, _MIN_YEAR), _MAX_YEAR)


@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    keeper = is_national_administrator(request.user)
    if request.method == "POST" and not keeper:
        raise PermissionDenied(_KEEPERS_ONLY)
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.calendar_day_set(
                acting_user=request.user, day=data["day"], kind=data["kind"], source=data["source"]
            )
        except ServiceError as exc:
            for field, errors in exc.by_field().items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Đã ghi ngày vào lịch."))
            return redirect(f"{request.path}?nam={data['day'].year}")
    context = {
        "year": year,
        "previous_year": max(year - 1, _MIN_YEAR),
        "next_year": min(year + 1, _MAX_YEAR),
        "holidays": sorted(public_holidays(year)),
        "announced": CalendarDay.objects.filter(date__year=year),
        "form": form,
        "can_keep_calendar": keeper,
    }
    return render(request, "lib/calendar.html", context)


@require_POST
def calendar_remove(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(CalendarDay, pk=pk)
    if not is_national_administrator(request.user):
        raise PermissionDenied(_KEEPERS_ONLY)
    services.calendar_day_remove(acting_user=request.user, record=record)
    messages.success(request, _("Đã bỏ ngày khỏi lịch."))
    return redirect(f"{reverse('lib:calendar')}?nam={record.date.year}")
