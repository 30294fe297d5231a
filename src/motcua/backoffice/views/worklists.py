"""Worklists (danh sách việc) and search: which dossiers wait for the officer, most urgent first."""

import secrets
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.enums import Status
from motcua.dossiers.selectors import (
    WORKLISTS,
    dossier_clocks,
    dossier_page,
    dossier_search,
    dossier_worklist,
)
from motcua.privacy.recording import record_search

from ..selectors import dossier_reply_clocks, dossier_reply_worklist
from .common import WORKLIST_LABELS, bo_render, staff_required

PER_PAGE = 25
SORTS = {
    # Equal due dates: first come, first served.
    "due": (F("due_at").asc(nulls_last=True), "id"),
    "-due": (F("due_at").desc(nulls_last=True), "-id"),
    # Both ways along the register's index (received_at DESC NULLS LAST, id DESC, migration 0010): a
    # dossier never received (refused at the counter, no date) comes after every received one.
    "received": (F("received_at").asc(nulls_first=True), "id"),
    "-received": (F("received_at").desc(nulls_last=True), "-id"),
}
DEFAULT_SORT = "due"
# Work lists read most urgent first; the whole unit's register reads newest first.
DEFAULT_SORTS = {"unit": "-received"}
UNCOUNTED = {"unit"}
# The register is read along its index of reception dates: by due date it would sort years of dossiers.
REGISTER_SORTS = ("received", "-received")
FILTER_STATUSES = [(value, label) for value, label in Status.choices if value != Status.DRAFT]


def _date_columns(sort: str | None, sortable: tuple[str, ...] = ("received", "due")) -> list[dict]:
    """The two date columns; with `sort`, each header in `sortable` links to the sort it applies next and
    says its current state (aria-sort)."""
    columns = []
    for key, label, first in (("received", _("Tiếp nhận"), "-received"), ("due", _("Hẹn trả"), "due")):
        column = {
            "key": key,
            "label": label,
            "sortable": sort is not None and key in sortable,
            "next": first,
            "aria": "",
        }
        if sort == key:
            column.update(next=f"-{key}", aria="ascending")
        elif sort == f"-{key}":
            column.update(next=key, aria="descending")
        columns.append(column)
    return columns


def _rows(page, now) -> list[dict]:
    clocks = dossier_clocks(page.object_list, now=now)
    rows = []
    for dossier in page.object_list:
        clock = clocks[dossier.pk]
        # A paused clock cannot run out: only a running one is "due soon".
        due_soon = (
            clock.is_running
            and clock.remaining_hours is not None
            and not clock.is_overdue
            and 0 <= clock.remaining_hours <= 8
        )
        rows.append({"dossier": dossier, "clock": clock, "is_due_soon": due_soon})
    return rows


def _page(request, queryset, sort: str, *, counted: bool = True):
    page = dossier_page(
        queryset, order_by=SORTS[sort], number=request.GET.get("page"), per_page=PER_PAGE, counted=counted
    )
    return page, page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


# Search terms (a phone, an ID number, a name) never travel in a URL, where access logs, browser history and
# the Referer header would keep them: the forms POST the term, which is kept in the session under a random id,
# and the result pages carry only `?s=<id>`. A `?q=` typed by hand is still answered (a dossier code is what
# people type), but no page produces one.
SEARCHES_SESSION_KEY = "backoffice_searches"
SEARCHES_KEPT = 20


def _search_redirect(request, view_name: str, keep: tuple[str, ...] = ()):
    """POST of a search form: remember the term, record the search, answer with the opaque result URL."""
    q = (request.POST.get("q") or "").strip()[:200]
    params = {name: request.POST[name] for name in keep if request.POST.get(name)}
    if q:
        record_search(request, q=q)
        saved = dict(request.session.get(SEARCHES_SESSION_KEY, {}))
        search_id = secrets.token_urlsafe(8)
        saved[search_id] = q
        request.session[SEARCHES_SESSION_KEY] = dict(list(saved.items())[-SEARCHES_KEPT:])
        params["s"] = search_id
    url = reverse(view_name)
    return redirect(f"{url}?{urlencode(params)}" if params else url)


def _search_term(request) -> str:
    search_id = request.GET.get("s")
    if search_id:
        return request.session.get(SEARCHES_SESSION_KEY, {}).get(search_id, "")
    q = (request.GET.get("q") or "").strip()
    if q:
        record_search(request, q=q)
    return q


# Submitted online, assisted and postal dossiers the centre must answer within 8 working hours.
REPLY_LIST = "online"


def _reply_worklist(request):
    """Reply clock first: the list is ordered by the reply due time, and a row past it reads red."""
    q = _search_term(request)
    now = timezone.now()
    dossiers = dossier_reply_worklist(user=request.user)
    if q:
        matching = dossier_search(user=request.user, q=q, now=now)
        dossiers = dossiers.filter(pk__in=matching.order_by().values("pk"))
    paginator = Paginator(dossiers, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    clocks = dossier_reply_clocks(page.object_list, now=now)
    rows = []
    for dossier in page.object_list:
        clock = clocks[dossier.pk]
        due_soon = not clock.is_overdue and clock.remaining_hours is not None and clock.remaining_hours <= 2
        rows.append({"dossier": dossier, "clock": clock, "is_due_soon": due_soon})
    return bo_render(
        request,
        "backoffice/worklist_online.html",
        {
            "current_list": REPLY_LIST,
            "current_label": _("Hồ sơ trực tuyến chờ tiếp nhận"),
            "q": q,
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "rows": rows,
            "is_filtered": bool(q),
        },
    )


@staff_required
def worklist(request):
    if request.method == "POST":
        return _search_redirect(request, "backoffice:worklist", keep=("list", "sort", "status"))
    key = request.GET.get("list") or "todo"
    if key == REPLY_LIST:
        return _reply_worklist(request)
    if key not in WORKLISTS:
        key = "todo"
    sort = request.GET.get("sort") or DEFAULT_SORTS.get(key, DEFAULT_SORT)
    if sort not in SORTS or (key in UNCOUNTED and sort not in REGISTER_SORTS):
        sort = DEFAULT_SORTS.get(key, DEFAULT_SORT)
    status = request.GET.get("status") or ""
    if status not in Status.values:
        status = ""
    q = _search_term(request)
    now = timezone.now()
    dossiers = dossier_worklist(user=request.user, worklist=key, now=now)
    if q or status:
        matching = dossier_search(user=request.user, q=q, status=status or None, now=now)
        dossiers = dossiers.filter(pk__in=matching.order_by().values("pk"))
    # The register holds every dossier of the unit's years: newest first from its index, never counted.
    page, page_range = _page(request, dossiers, sort, counted=key not in UNCOUNTED)
    return bo_render(
        request,
        "backoffice/worklist.html",
        {
            "current_list": key,
            "current_label": WORKLIST_LABELS[key],
            "sort": sort,
            "date_columns": _date_columns(sort, ("received",) if key in UNCOUNTED else ("received", "due")),
            "status": status,
            "q": q,
            "statuses": FILTER_STATUSES,
            "page_obj": page,
            "page_range": page_range,
            "rows": _rows(page, now),
            "is_filtered": bool(q or status),
        },
    )


@staff_required
def search(request):
    if request.method == "POST":
        return _search_redirect(request, "backoffice:search")
    q = _search_term(request)
    context = {"q": q, "search_q": q, "searched": bool(q)}
    if q:
        now = timezone.now()
        results = dossier_search(user=request.user, q=q, now=now)
        # A code typed or scanned in full opens the dossier straight away.
        exact = results.filter(code__iexact=q).first()
        if exact is not None:
            return redirect("backoffice:dossier", reference=exact.reference)
        page, page_range = _page(request, results, "-received")
        context.update(
            {
                "page_obj": page,
                "page_range": page_range,
                "rows": _rows(page, now),
                "date_columns": _date_columns(None),
            }
        )
    return bo_render(request, "backoffice/search.html", context)
