"""Satisfaction ratings (Decree 61/2018 Art. 31, docs/ratings.md): the questionnaire, and the applicant's own
online rating of a returned dossier. The rules (returned only, once, the owner's account) are
`ratings.services.rating_submit`'s."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from motcua.api.auth import staff_or_token
from motcua.api.schemas import ErrorOut
from motcua.ratings.criteria import COMMENT_MAX_LENGTH, CRITERIA
from motcua.ratings.enums import Overall, RatingChannel
from motcua.ratings.selectors import rating_dossier_for_owner
from motcua.ratings.services import rating_submit

router = Router(tags=["ratings"], auth=staff_or_token)
public_router = Router(tags=["ratings"])


class RatingChoiceOut(Schema):
    value: str
    label: str


class RatingQuestionOut(Schema):
    field: str = Field(description="The key to answer with in POST /dossiers/{code}/rating")
    article_item: int = Field(description="Indicator number in Decree 61/2018 Art. 31")
    question: str
    is_required: bool
    choices: list[RatingChoiceOut]


class RatingCriteriaOut(Schema):
    criteria: list[RatingQuestionOut]
    comment_max_length: int


def _choices(choices) -> list[dict]:
    return [{"value": value, "label": str(label)} for value, label in choices.choices]


@public_router.get("/criteria", response=RatingCriteriaOut, auth=None)
def rating_criteria(request):
    """The questionnaire: the overall rating (required) and the Art. 31 criteria (optional), with their
    choices, in the order the portal asks them."""
    overall = {
        "field": "overall",
        "article_item": 0,
        "question": _("Nhìn chung, bạn có hài lòng với việc giải quyết hồ sơ này không?"),
        "is_required": True,
        "choices": _choices(Overall),
    }
    return {
        "criteria": [
            overall,
            *(
                {
                    "field": criterion.field,
                    "article_item": criterion.article_item,
                    "question": str(criterion.question),
                    "is_required": False,
                    "choices": _choices(criterion.choices),
                }
                for criterion in CRITERIA
            ),
        ],
        "comment_max_length": COMMENT_MAX_LENGTH,
    }


class RatingIn(Schema):
    # Unknown keys are refused rather than dropped: a misspelt criterion must not vanish silently.
    model_config = ConfigDict(extra="forbid")

    overall: str = Field(description="very_satisfied | satisfied | not_satisfied")
    time_versus_limit: str = ""
    bodies_contacted: str = ""
    contacts_needed: str = ""
    one_stop_handling: str = ""
    publication: str = ""
    staff_attitude: str = ""
    petition_response: str = ""
    online_service: str = ""
    comment: str = Field("", description="No name, phone or ID number here, please")


class RatingOut(Schema):
    code: str
    overall: str
    created_at: datetime


@router.post(
    "/{code}/rating",
    response={201: RatingOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def dossier_rate(request, code: str, payload: RatingIn):
    """The applicant's own account rates a dossier once its result has been returned; once per dossier (409
    afterwards, also when rated by the QR code or at the counter). Another person's dossier is a 404."""
    dossier = rating_dossier_for_owner(user=request.user, reference=code)
    rating = rating_submit(
        dossier=dossier, answers=payload.dict(), channel=RatingChannel.ONLINE, actor=request.user
    )
    return Status(
        201,
        {
            "code": dossier.code,
            "overall": rating.overall,
            "created_at": timezone.localtime(rating.created_at),
        },
    )
