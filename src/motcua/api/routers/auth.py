from ninja import Router, Schema

from motcua.accounts.services import api_token_issue_for_credentials
from motcua.api.schemas import ErrorOut

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"


@router.post("/token", response={200: TokenOut, 403: ErrorOut}, auth=None)
def token_create(request, payload: TokenIn):
    """Exchange a username and password for a bearer token (`Authorization: Bearer <token>`)."""
    return {"token": api_token_issue_for_credentials(username=payload.username, password=payload.password)}
