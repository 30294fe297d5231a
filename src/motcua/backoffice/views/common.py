"""What every officer page shares: who may enter, the menu with its counts, error pages."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.dossiers.selectors import WORKLISTS, dossier_menu_counts
from motcua.org.selectors import user_is_staff_member
from motcua.privacy.access import can_read_access_log

from ..selectors import is_receiving_officer, reply_menu_counts

# Labels of the worklists as the menu shows them; the keys are the selectors' own.
WORKLIST_LABELS = {
    "todo": gettext_lazy("Việc cần làm"),
    "mine": gettext_lazy("Được giao cho tôi"),
    "due_soon": gettext_lazy("Đến hạn trong 1 ngày"),
    "overdue": gettext_lazy("Quá hạn"),
    "supplement": gettext_lazy("Chờ bổ sung"),
    "unit": gettext_lazy("Tất cả trong đơn vị"),
}
assert set(WORKLIST_LABELS) == set(WORKLISTS), "one label per worklist of dossiers.selectors"


def menu_context(request) -> dict:
    counts = dossier_menu_counts(user=request.user)
    return {
        "menu": [{"key": key, "label": WORKLIST_LABELS[key], "count": counts.get(key)} for key in WORKLISTS],
        "is_receiver": is_receiving_officer(request.user),
        "reply_menu": reply_menu_counts(user=request.user),
        "can_read_access_log": can_read_access_log(request.user),
    }


def bo_render(request, template: str, context: dict | None = None, *, status: int = 200):
    return render(request, template, {**menu_context(request), **(context or {})}, status=status)


def error_page(request, *, status: int, title: str, message: str, staff: bool = True):
    """A short page that says what went wrong and where to go; officers keep their menu."""
    context = {"title": title, "message": message, "status": status, "with_menu": staff}
    if staff:
        return bo_render(request, "backoffice/error.html", context, status=status)
    return render(request, "backoffice/error.html", context, status=status)


def staff_required(view):
    """Anonymous → the sign-in page; signed in without a staff role (a citizen) → 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_is_staff_member(request.user):
            return error_page(
                request,
                status=403,
                title=_("Không có quyền truy cập"),
                message=_(
                    "Trang này dành cho cán bộ, công chức được phân công xử lý hồ sơ. "
                    "Tài khoản của bạn chưa được giao vai trò nào; hãy liên hệ quản trị hệ thống."
                ),
                staff=False,
            )
        return view(request, *args, **kwargs)

    return wrapper


def receiver_required(view):
    """Counter work: only officers who hold the receiving role somewhere."""

    @wraps(view)
    @staff_required
    def wrapper(request, *args, **kwargs):
        if not is_receiving_officer(request.user):
            return error_page(
                request,
                status=403,
                title=_("Không có quyền tiếp nhận hồ sơ"),
                message=_("Chỉ cán bộ tiếp nhận của Trung tâm Phục vụ hành chính công mới tiếp nhận hồ sơ."),
            )
        return view(request, *args, **kwargs)

    return wrapper
