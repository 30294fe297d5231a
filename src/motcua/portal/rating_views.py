"""Đánh giá mức độ hài lòng: the citizen rates a returned dossier online (own account), through the QR code on
the receipt (no login), or on the counter tablet (kiosk mode, no login). The views parse and render; the
rules are in `motcua.ratings.services.rating_submit` and the look-ups in `motcua.ratings.selectors`."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.core.exceptions import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from motcua.core.ratelimit import client_ip, rate_limit_hit
from motcua.dossiers.selectors import initials
from motcua.ratings.enums import Overall, RatingChannel
from motcua.ratings.models import Rating
from motcua.ratings.selectors import (
    RatingState,
    rating_dossier_for_kiosk,
    rating_dossier_for_kiosk_token,
    rating_dossier_for_owner,
    rating_dossier_for_qr,
    rating_kiosk_unit,
    rating_state,
)
from motcua.ratings.services import rating_submit
from motcua.ratings.tokens import kiosk_token

from .rating_forms import KioskLookupForm, RatingForm

KIOSK_DONE = "xong"


def _dossier_context(dossier) -> dict:
    # The applicant appears by initials only: a QR page can be opened by whoever holds the paper.
    return {"dossier": dossier, "initials": initials(dossier.applicant_name)}


def _unavailable(request, *, title: str, message: str, status: int, dossier=None):
    context = {"title": title, "message": message}
    if dossier is not None:
        context.update(_dossier_context(dossier))
    return render(request, "portal/rating/unavailable.html", context, status=status)


def _not_returned(request, dossier):
    return _unavailable(
        request,
        title=_("Chưa thể đánh giá"),
        message=_("Hồ sơ chưa trả kết quả. Bạn đánh giá được sau khi nhận kết quả giải quyết."),
        status=409,
        dossier=dossier,
    )


def _rating_page(request, *, dossier, channel: str, actor=None):
    """The questionnaire for one dossier (GET), its answers (POST, then back to the same address), and once
    rated, the confirmation."""
    state = rating_state(dossier=dossier)
    if state == RatingState.NOT_RETURNED:
        return _not_returned(request, dossier)
    if state == RatingState.RATED:
        rating = Rating.objects.get(dossier=dossier)
        status = 409 if request.method == "POST" else 200
        return render(
            request,
            "portal/rating/done.html",
            {**_dossier_context(dossier), "rating": rating, "already": request.method == "POST"},
            status=status,
        )
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rating_submit(dossier=dossier, answers=form.answers(), channel=channel, actor=actor)
        except ValidationFailed as error:
            form.add_domain_errors(error.details or {"overall": error.message})
        except InvalidTransition:
            # Rated or changed meanwhile (another tab, the counter tablet): show what is true now.
            return _rating_page(request, dossier=dossier, channel=channel, actor=actor)
        else:
            return redirect(request.path)
    status = 422 if form.is_bound else 200
    return render(
        request, "portal/rating/rate.html", {**_dossier_context(dossier), "form": form}, status=status
    )


@login_required
def rating_online(request, reference: str):
    """From the citizen's own account: only the dossiers of that account."""
    try:
        dossier = rating_dossier_for_owner(user=request.user, reference=reference)
    except NotFound as error:
        return _unavailable(request, title=_("Không tìm thấy hồ sơ"), message=error.message, status=404)
    try:
        return _rating_page(request, dossier=dossier, channel=RatingChannel.ONLINE, actor=request.user)
    except NotPermitted as error:
        return _unavailable(request, title=_("Không tìm thấy hồ sơ"), message=error.message, status=404)


def rating_qr(request, token: str):
    """From the QR code on the receipt: the signed token is the proof; no login, no personal data."""
    try:
        dossier = rating_dossier_for_qr(token=token)
    except NotFound as error:
        return _unavailable(request, title=_("Mã QR không hợp lệ"), message=error.message, status=404)
    return _rating_page(request, dossier=dossier, channel=RatingChannel.QR)


# --- the counter tablet --------------------------------------------------------------------------------------
def rating_kiosk(request, unit_code: str):
    """Kiosk mode on the counter tablet: enter the dossier code and the phone's last four digits, rate with
    big buttons, a thank-you screen, and back to the start screen by itself. Nothing is shown but the
    applicant's initials, and an abandoned screen goes back to the start too."""
    try:
        unit = rating_kiosk_unit(agency_code=unit_code)
    except NotFound as error:
        return render(request, "portal/rating/kiosk_missing.html", {"message": error.message}, status=404)
    context = {
        "unit": unit,
        "reset_seconds": settings.MOTCUA_RATING_KIOSK_RESET_SECONDS,
        "session_seconds": settings.MOTCUA_RATING_KIOSK_SESSION_SECONDS,
    }
    if request.method == "GET" and request.GET.get(KIOSK_DONE):
        return render(request, "portal/rating/kiosk_thanks.html", context)
    if request.method == "POST" and "phien" in request.POST:
        return _kiosk_rate(request, unit, context)
    form = KioskLookupForm(request.POST or None)
    if request.method != "POST":
        return render(request, "portal/rating/kiosk_start.html", {**context, "form": form})
    if not form.is_valid():
        return render(request, "portal/rating/kiosk_start.html", {**context, "form": form}, status=422)
    if rate_limit_hit(
        scope="rating_kiosk",
        key=client_ip(request),
        limit=settings.MOTCUA_RATING_KIOSK_RATE_PER_MINUTE,
        window_seconds=60,
    ):
        form.add_error("ma", _("Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau một phút."))
        return render(request, "portal/rating/kiosk_start.html", {**context, "form": form}, status=429)
    try:
        dossier = rating_dossier_for_kiosk(
            unit=unit, code=form.cleaned_data["ma"], phone_last4=form.cleaned_data["so"]
        )
    except NotFound as error:
        form.add_error("ma", error.message)
        return render(request, "portal/rating/kiosk_start.html", {**context, "form": form}, status=404)
    state = rating_state(dossier=dossier)
    if state != RatingState.OPEN:
        return _kiosk_refused(request, context, state)
    return _kiosk_form(request, context, dossier, RatingForm())


def _kiosk_refused(request, context: dict, state: RatingState):
    form = KioskLookupForm()
    if state == RatingState.RATED:
        message = _("Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần.")
    else:
        message = _("Hồ sơ chưa trả kết quả. Bạn đánh giá được sau khi nhận kết quả giải quyết.")
    return render(
        request, "portal/rating/kiosk_start.html", {**context, "form": form, "notice": message}, status=409
    )


def _kiosk_form(request, context: dict, dossier, form: RatingForm, status: int = 200):
    return render(
        request,
        "portal/rating/kiosk_rate.html",
        {
            **context,
            **_dossier_context(dossier),
            "form": form,
            "token": kiosk_token(dossier=dossier, unit_id=context["unit"].pk),
            "overall_choices": Overall.choices,
        },
        status=status,
    )


def _kiosk_rate(request, unit, context: dict):
    try:
        dossier = rating_dossier_for_kiosk_token(
            unit=unit, token=request.POST.get("phien", ""), max_age_seconds=context["session_seconds"]
        )
    except NotFound as error:
        form = KioskLookupForm()
        return render(
            request,
            "portal/rating/kiosk_start.html",
            {**context, "form": form, "notice": error.message},
            status=404,
        )
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _kiosk_form(request, context, dossier, form, status=422)
    try:
        rating_submit(dossier=dossier, answers=form.answers(), channel=RatingChannel.KIOSK)
    except ValidationFailed as error:
        form.add_domain_errors(error.details or {"overall": error.message})
        return _kiosk_form(request, context, dossier, form, status=422)
    except InvalidTransition:
        return _kiosk_refused(request, context, rating_state(dossier=dossier))
    return redirect(f"{request.path}?{KIOSK_DONE}=1")
