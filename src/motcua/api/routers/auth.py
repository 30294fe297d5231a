from ninja import Router, Schema

from motcua.accounts.services import api_token_issue_for_credentials
from motcua.api.auth import staff_or_token
from motcua.api.schemas import ErrorOut
from motcua.org.selectors import user_roles

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


class RoleOut(Schema):
    role: str
    unit: str


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[RoleOut]


@router.get("/me", response={200: MeOut, 401: ErrorOut}, auth=staff_or_token)
def me(request):
    """Who the token (or session) belongs to, with the roles held in each unit."""
    user = request.user
    return {
        "username": user.username,
        "full_name": user.full_name,
        "roles": [{"role": r.role, "unit": r.unit.agency_code} for r in user_roles(user)],
    }
