"""The applicant answers a supplement request from home (docs/online.md): one scan per item of the request.

Mounted before the dossiers router: `actions/supplement` would otherwise be taken by `actions/{action}`, and
officers keep recording there, as before, the papers handed in at the counter."""

import json

from ninja import File, Form, Router, UploadedFile

from motcua.api.auth import staff_or_token
from motcua.api.schemas import ErrorOut
from motcua.backoffice.uploads import upload_check, upload_normalise
from motcua.core.exceptions import ValidationFailed
from motcua.dossiers import online, services
from motcua.dossiers.citizen_selectors import supplement_items
from motcua.dossiers.enums import Action

from .dossiers import DossierOut, dossier_for_actor, dossier_out

router = Router(tags=["dossiers"], auth=staff_or_token)

SUPPLEMENT_FILES = File(
    None,
    description="Multipart, one `files` part per item of the supplement request (Form 02), in the order of the"
    " items (`data.missing_items` of the `request_supplement` entry in /history); PDF, JPEG or PNG, at most"
    " 20 MB each",
)


def _json_note(request) -> str:
    # Officers have always posted `{"note": …}` as JSON to actions/{action}; that keeps working here.
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return ""
    return str(body.get("note") or "") if isinstance(body, dict) else ""


@router.post(
    "/{code}/actions/supplement",
    response={200: DossierOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def dossier_supplement(
    request,
    code: str,
    files: list[UploadedFile] | None = SUPPLEMENT_FILES,
    note: str = Form("", max_length=1000, description="A word for the officer"),
):
    """The applicant sends what the supplement request asked for: all items at once or nothing (422 names
    each missing item as `items.<index>`); the dossier goes back to processing and its clock resumes.
    An officer of the receiving centre records here, as with any action, papers handed in at the counter."""
    dossier, for_staff = dossier_for_actor(request.user, code)
    if dossier.owner_id != request.user.pk and for_staff:
        if files:
            raise ValidationFailed(
                "Cán bộ ghi nhận giấy tờ bổ sung nộp tại quầy; bản quét đính kèm ở trang hồ sơ của Một cửa.",
                details={"files": "Không nhận tệp ở đây."},
            )
        if request.content_type == "application/json":
            note = _json_note(request)
        services.dossier_transition(dossier=dossier, action=Action.SUPPLEMENT, actor=request.user, note=note)
        return dossier_out(dossier_for_actor(request.user, code)[0])
    items = supplement_items(dossier=dossier)
    documents = []
    for index, upload in enumerate(files or []):
        problem = upload_check(upload)
        if problem:
            raise ValidationFailed(problem, details={f"files.{index}": problem})
        # Named by the item it answers; a file beyond the request keeps its own name, which the service
        # refuses as not asked for.
        name = items[index] if index < len(items) else upload.name
        upload_normalise(upload)
        documents.append(services.DocumentData(name=name, upload=upload))
    dossier = online.online_supplement_submit(
        dossier=dossier, actor=request.user, documents=documents, note=note
    )
    dossier, for_staff = dossier_for_actor(request.user, dossier.reference)
    return dossier_out(dossier, for_staff=for_staff)
