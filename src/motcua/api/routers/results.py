"""Electronic results (docs/results.md): sign and attach one, download it, and check a downloaded file.

Who may sign, when and with which certificate is `dossiers.results`' business; this module only loads the
dossier the way every dossier endpoint does (another unit's or another person's dossier is a 404) and
presents the answer. The public check tells what the verification page tells, and of a matching dossier
only its code and the issuing unit: never the applicant."""

from datetime import datetime

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field

from motcua.api.auth import staff_or_token
from motcua.api.schemas import ErrorOut
from motcua.backoffice.uploads import upload_check, upload_sniff
from motcua.core.exceptions import NotFound, RateLimited, ValidationFailed
from motcua.core.ratelimit import client_ip, rate_limit_hit
from motcua.dossiers.models import DossierResult
from motcua.dossiers.results import (
    dossier_result_attach,
    dossier_result_by_sha256,
    dossier_result_of,
)

from .dossiers import dossier_for_actor

router = Router(tags=["results"], auth=staff_or_token)
public_router = Router(tags=["results"])


class ResultOut(Schema):
    code: str = Field(description="The dossier's code")
    name: str
    sha256: str = Field(description="Of the signed file as downloaded")
    size: int
    signed_at: datetime
    signer: str = Field(description="The unit whose certificate signed it")
    signer_unit: str = Field(description="Its agency code")


RESULT_FILE = File(
    None, description="The result as PDF, at most 20 MB; without it the generated confirmation is signed"
)
CHECKED_FILE = File(None, description="The PDF to check, at most 20 MB")


def result_out(result: DossierResult) -> dict:
    return {
        "code": result.dossier.code,
        "name": result.name,
        "sha256": result.sha256,
        "size": result.size,
        "signed_at": timezone.localtime(result.signed_at),
        "signer": result.signer_unit.name,
        "signer_unit": result.signer_unit.agency_code,
    }


def _local(value: datetime | None) -> datetime | None:
    # A signing time comes from inside the uploaded file: it may lack a time zone.
    return timezone.localtime(value) if value is not None and timezone.is_aware(value) else value


def _pdf_problem(upload) -> str | None:
    problem = upload_check(upload)
    if problem is None and upload_sniff(upload).content_type != "application/pdf":
        problem = _("Tệp “%(name)s” không phải là tệp PDF.") % {"name": upload.name}
    return problem


def _result_for(user, code: str) -> DossierResult:
    """The owner's own result, or that of a dossier the officer's units see; anything else is a 404."""
    dossier, _for_staff = dossier_for_actor(user, code)
    result = dossier_result_of(dossier)
    if result is None:
        raise NotFound(_("Hồ sơ này chưa có kết quả điện tử."))
    return result


@router.post(
    "/{code}/result",
    response={201: ResultOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def result_attach(
    request,
    code: str,
    file: UploadedFile | None = RESULT_FILE,
    name: str = Form("", description="Default: “Giấy xác nhận kết quả giải quyết hồ sơ <code>”"),
):
    """Sign the dossier's electronic result with the issuing unit's certificate and keep it for the applicant:
    the competent unit's signing leader, the receiving centre's receiving officer or whoever holds the current
    step; once the dossier has its decision (`result_ready`, or `returned`); once (409 afterwards, and when no
    certificate is installed)."""
    dossier, _for_staff = dossier_for_actor(request.user, code)
    if file is not None:
        problem = _pdf_problem(file)
        if problem:
            raise ValidationFailed(problem, details={"file": problem})
    result = dossier_result_attach(dossier=dossier, actor=request.user, pdf=file, name=name)
    return Status(201, result_out(result))


@router.get("/{code}/result", response={200: ResultOut, 404: ErrorOut})
def result_detail(request, code: str):
    """The electronic result's metadata: the owner's own dossier, or a dossier of the officer's units."""
    return result_out(_result_for(request.user, code))


@router.get("/{code}/result.pdf", response={200: None, 404: ErrorOut})
def result_download(request, code: str):
    """The signed PDF, for the applicant's own account or an officer who sees the dossier."""
    result = _result_for(request.user, code)
    try:
        handle = result.file.open("rb")
    except FileNotFoundError as error:
        raise NotFound(_("Không còn tệp kết quả trong kho lưu trữ.")) from error
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{result.dossier.code}-ket-qua.pdf",
        content_type="application/pdf",
    )


# --- the public check --------------------------------------------------------------------------------------
class ProblemOut(Schema):
    code: str = Field(
        description="unreadable | unsigned | not_intact | bad_signature | untrusted | changed_after_signing"
        " | partial_coverage"
    )
    message: str


class SignatureOut(Schema):
    signer_name: str = Field(description="The certificate's common name: the signing unit")
    signer_organisation: str
    signed_at: datetime | None = Field(description="As the signer's computer stated it")
    is_intact: bool
    is_valid: bool
    is_trusted: bool
    is_demo: bool = Field(description="A demonstration certificate: the result has no legal value")


class MatchOut(Schema):
    code: str = Field(description="The dossier whose electronic result is exactly this file")
    signer: str = Field(description="The unit that signed it")


class VerdictOut(Schema):
    is_valid: bool
    is_changed_after_signing: bool
    problems: list[ProblemOut]
    sha256: str
    signature_count: int
    signature: SignatureOut | None = Field(description="The last signature, the one covering the whole file")
    match: MatchOut | None = Field(description="null: no electronic result issued here has this content")


@public_router.post("/verify", response={200: VerdictOut, 422: ErrorOut, 429: ErrorOut}, auth=None)
def result_verify(request, file: UploadedFile | None = CHECKED_FILE):
    """Anyone: is this PDF signed, by whom, is the signature sound and trusted, was it changed after signing,
    and which dossier's result it is. As /ket-qua/kiem-tra/: the same checks and the same rate limit."""
    if file is None:
        message = _("Chọn tệp kết quả (PDF) cần kiểm tra.")
        raise ValidationFailed(message, details={"file": message})
    if rate_limit_hit(
        scope="result_verify",
        key=client_ip(request),
        limit=settings.MOTCUA_VERIFY_RATE_PER_MINUTE,
        window_seconds=60,
    ):
        raise RateLimited(_("Bạn kiểm tra quá nhiều lần. Vui lòng thử lại sau một phút."))
    problem = _pdf_problem(file)
    if problem:
        raise ValidationFailed(problem, details={"file": problem})
    from motcua.paperwork.verify import pdf_verify

    file.seek(0)
    verdict = pdf_verify(file.read())
    match = dossier_result_by_sha256(sha256=verdict.sha256)
    check = verdict.signature
    return {
        "is_valid": verdict.is_valid,
        "is_changed_after_signing": verdict.is_changed_after_signing,
        "problems": [
            {"code": code, "message": message}
            for code, message in zip(verdict.problems, verdict.messages, strict=True)
        ],
        "sha256": verdict.sha256,
        "signature_count": len(verdict.signatures),
        "signature": {
            "signer_name": check.signer_name,
            "signer_organisation": check.signer_organisation,
            "signed_at": _local(check.signed_at),
            "is_intact": check.is_intact,
            "is_valid": check.is_valid,
            "is_trusted": check.is_trusted,
            "is_demo": check.is_demo,
        }
        if check is not None
        else None,
        "match": {"code": match.dossier.code, "signer": match.signer_unit.name}
        if match is not None
        else None,
    }
