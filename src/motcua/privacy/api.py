"""/api/v1/me/export and /api/v1/me/accesses: the signed-in person's own data, as the account page gives it."""

from datetime import datetime

from ninja import Router, Schema
from pydantic import Field

from motcua.api.auth import staff_or_token
from motcua.api.schemas import ErrorOut

from .access import access_list_for_subject
from .services import personal_data_collect, personal_data_export_allowed

router = Router(tags=["me"], auth=staff_or_token)


class AccessOut(Schema):
    at: datetime
    unit: str = Field(description="The unit of the officer who saw the data")
    action: str = Field(description="view | history | print | download | export | citizen | petition")
    action_label: str
    channel: str = Field(description="web | api")
    dossier: str | None


@router.get(
    "/export",
    response={200: dict, 429: ErrorOut},
    summary="Everything the system holds about me (JSON)",
)
def me_export(request):
    """The same document as du-lieu.json in the account page's ZIP: account, dossiers with their history as the
    applicant reads it, stored documents (metadata), ratings, petitions, appointments, notifications and the
    log of staff access to my data. At most a few per hour (429 after)."""
    personal_data_export_allowed(user=request.user)
    return personal_data_collect(user=request.user)


@router.get("/accesses", response=list[AccessOut], summary="Who saw my data")
def me_accesses(request):
    """Staff access to my data, newest first (the latest 200): the unit, never the officer's name."""
    return [
        {
            "at": a.at,
            "unit": a.unit.name if a.unit_id else "",
            "action": a.kind,
            "action_label": str(a.get_kind_display()),
            "channel": a.channel,
            "dossier": a.dossier.reference if a.dossier_id else None,
        }
        for a in access_list_for_subject(user=request.user)[:200]
    ]
