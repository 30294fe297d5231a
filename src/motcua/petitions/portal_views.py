"""Phản ánh, kiến nghị on the citizen portal: the published answers, the submission form (works without
JavaScript, error summary linked to the fields), the petition's page and the petitioner's rating. The views
parse and render; rules are in `services`, look-ups in `selectors`."""

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.core.exceptions import InvalidTransition, NotFound, ValidationFailed
from motcua.core.ratelimit import client_ip, rate_limit_hit
from motcua.dossiers.selectors import initials

from .enums import Channel, Status, SubjectKind
from .portal_forms import LookupForm, PetitionForm, PetitionRatingForm
from .selectors import (
    petition_for_owner,
    petition_for_petitioner,
    petition_for_rating_token,
    petition_history,
    petition_is_overdue,
    petition_public_get,
    petition_public_list,
)
from .services import petition_rate, petition_submit
from .tokens import petition_rating_token

SESSION_KEY = "petition_submitted"


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _error_items(form) -> list[tuple[str, str]]:
    items = []
    for name, errors in form.errors.items():
        href = f"#{form[name].auto_id}" if name in form.fields else ""
        if name in form.fields and isinstance(form.fields[name].widget, forms.RadioSelect):
            href = f"#{form[name].auto_id}_0"
        items.extend((href, message) for message in errors)
    return items


def petition_list(request):
    q = (request.GET.get("q") or "").strip()[:100]
    kind = request.GET.get("loai") or ""
    page = Paginator(petition_public_list(q=q, kind=kind), 20).get_page(request.GET.get("trang"))
    return render(
        request,
        "petitions/portal/list.html",
        {"page_obj": page, "q": q, "kind": kind, "kinds": SubjectKind.choices},
    )


def petition_new(request):
    user = request.user if request.user.is_authenticated else None
    if request.method != "POST":
        initial = {}
        if user is not None:
            initial = {
                "petitioner_name": user.full_name,
                "petitioner_phone": user.phone,
                "petitioner_email": user.email,
            }
        return render(
            request, "petitions/portal/new.html", {"form": PetitionForm(initial=initial), "errors": []}
        )
    form = PetitionForm(request.POST, request.FILES)
    status = 422
    if form.is_valid():
        if rate_limit_hit(
            scope="petition_submit",
            key=client_ip(request),
            limit=_setting("MOTCUA_PETITION_SUBMIT_RATE_PER_HOUR", 10),
            window_seconds=3600,
        ):
            form.add_error(None, _("Bạn đã gửi quá nhiều phản ánh trong một giờ. Vui lòng thử lại sau."))
            status = 429
        else:
            try:
                petition = petition_submit(data=form.data_for_service(), actor=user, channel=Channel.PORTAL)
            except ValidationFailed as error:
                form.add_domain_errors(error.details or {None: error.message})
            else:
                request.session[SESSION_KEY] = petition.code
                return redirect("portal:petition_done")
    return render(
        request, "petitions/portal/new.html", {"form": form, "errors": _error_items(form)}, status=status
    )


def petition_done(request):
    from .models import Petition

    code = request.session.get(SESSION_KEY)
    petition = Petition.objects.select_related("receiving_unit").filter(code=code).first() if code else None
    if petition is None:
        return redirect("portal:petition_new")
    return render(request, "petitions/portal/done.html", {"petition": petition})


def _petitioner_page(request, petition, *, status: int = 200):
    rating_url = ""
    if petition.status == Status.ANSWERED and not petition.rating:
        rating_url = f"/phan-anh/danh-gia/{petition_rating_token(petition=petition)}/"
    return render(
        request,
        "petitions/portal/mine.html",
        {
            "petition": petition,
            "history": [
                e for e in petition_history(petition=petition) if e.public_note or e.action == "submit"
            ],
            "is_overdue": petition_is_overdue(petition),
            "rating_url": rating_url,
        },
        status=status,
    )


def petition_detail(request, code: str):
    """The petitioner (own account, or code + phone digits) sees the status and the answer; anyone sees a
    published petition. An unknown code and an unpublished one show the same look-up form."""
    owned = petition_for_owner(user=request.user, code=code)
    if owned is not None:
        return _petitioner_page(request, owned)
    public = petition_public_get(code=code)
    form = LookupForm(request.POST or None, initial={"ma": code})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            if rate_limit_hit(
                scope="petition_lookup",
                key=client_ip(request),
                limit=_setting("MOTCUA_STATUS_RATE_PER_MINUTE", 20),
                window_seconds=60,
            ):
                form.add_error("ma", _("Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau một phút."))
                status = 429
            else:
                try:
                    petition = petition_for_petitioner(
                        code=form.cleaned_data["ma"], phone_last4=form.cleaned_data["so"]
                    )
                except NotFound as error:
                    form.add_error("ma", error.message)
                    status = 404
                else:
                    return _petitioner_page(request, petition)
    context = {"code": code, "form": form, "public": public, "errors": _lookup_errors(form)}
    if public is not None:
        context["initials"] = initials(public.petitioner_name)
    return render(request, "petitions/portal/detail.html", context, status=status)


def _lookup_errors(form) -> list[tuple[str, str]]:
    return [
        (f"#{form[name].auto_id}" if name in form.fields else "", m)
        for name, ms in form.errors.items()
        for m in ms
    ]


def petition_rate_view(request, token: str):
    try:
        petition = petition_for_rating_token(token=token)
    except NotFound as error:
        return render(request, "petitions/portal/unavailable.html", {"message": error.message}, status=404)
    if petition.rating:
        return render(
            request,
            "petitions/portal/rated.html",
            {"petition": petition},
            status=409 if request.method == "POST" else 200,
        )
    if petition.status != Status.ANSWERED:
        return render(
            request,
            "petitions/portal/unavailable.html",
            {"message": _("Phản ánh chưa được trả lời: bạn đánh giá được sau khi nhận câu trả lời.")},
            status=409,
        )
    form = PetitionRatingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                petition_rate(
                    petition=petition,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationFailed as error:
                form.add_error(None, error.message)
            except InvalidTransition:
                return redirect(request.path)
            else:
                return redirect(request.path)
    errors = [
        (f"#{form[n].auto_id}_0" if n == "rating" else "", m) for n, ms in form.errors.items() for m in ms
    ]
    return render(
        request,
        "petitions/portal/rate.html",
        {"petition": petition, "form": form, "errors": errors},
        status=status,
    )
