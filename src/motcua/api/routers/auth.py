from datetime import datetime

from django.conf import settings
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from motcua.accounts.enums import CodePurpose, IdentifierKind
from motcua.accounts.identifiers import Identifier
from motcua.accounts.services import (
    api_token_issue,
    api_token_issue_for_credentials,
    registration_complete,
    registration_start,
    verification_code_check,
)
from motcua.api.auth import staff_or_token
from motcua.api.schemas import ErrorOut
from motcua.core.ratelimit import client_ip
from motcua.org.selectors import user_roles

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"


@router.post("/token", response={200: TokenOut, 403: ErrorOut, 429: ErrorOut}, auth=None)
def token_create(request, payload: TokenIn):
    """Exchange a username and password for a bearer token (`Authorization: Bearer <token>`). A locked sign-in
    name answers 403; too many failures from one client address answer 429."""
    token = api_token_issue_for_credentials(
        username=payload.username, password=payload.password, ip=client_ip(request)
    )
    return {"token": token}


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


# --- registration of a citizen account (the same services and limits as /tai-khoan/dang-ky/) ------------------
class RegisterIn(Schema):
    identifier: str = Field(max_length=254, description="Mobile phone number or e-mail address")


class RegisterOut(Schema):
    code_id: int = Field(description="Send it back with the code to POST /auth/register/confirm")
    channel: str = Field(description="sms | email: where the 6-digit code went")
    sent_to: str = Field(description="The phone or address, masked")
    expires_at: datetime
    max_attempts: int


@router.post("/register", response={201: RegisterOut, 422: ErrorOut, 429: ErrorOut}, auth=None)
def register_start(request, payload: RegisterIn):
    """Start opening a citizen account: a 6-digit code goes to the phone (SMS) or address (e-mail). The answer
    is the same whether or not an account exists (its holder is told so instead of getting a code), so nobody
    learns who is registered. So many codes per phone or address and per client an hour (429 beyond)."""
    code = registration_start(identifier=payload.identifier, ip=client_ip(request))
    target = Identifier(IdentifierKind(code.channel), code.target)
    return Status(
        201,
        {
            "code_id": code.pk,
            "channel": "email" if target.kind == IdentifierKind.EMAIL else "sms",
            "sent_to": target.masked,
            "expires_at": timezone.localtime(code.expires_at),
            "max_attempts": settings.MOTCUA_VERIFICATION_MAX_ATTEMPTS,
        },
    )


class RegisterConfirmIn(Schema):
    code_id: int
    code: str = Field(max_length=20, description="The 6 digits received")
    full_name: str = Field(max_length=300)
    password: str = Field(max_length=200)


class RegisteredOut(Schema):
    username: str
    full_name: str
    token: str
    token_type: str = "Bearer"


@router.post("/register/confirm", response={201: RegisteredOut, 422: ErrorOut, 429: ErrorOut}, auth=None)
def register_confirm(request, payload: RegisterConfirmIn):
    """Finish opening the account with the code received, the person's name and a password; answers a bearer
    token for the new account. A wrong code counts against the code's attempts (then a new code is needed);
    a right code with a refused password or name may be sent again with a better one. Too many wrong codes
    from one client address (whatever the account) answer 429 until the hour ends."""
    # Two steps, as on the web (code page, then name and password page): the code check records a wrong try
    # in a transaction of its own, and a right code stays usable for VERIFIED_CODE_VALID_FOR if the account
    # cannot be opened yet (a refused password).
    verification_code_check(
        code_id=payload.code_id, purpose=CodePurpose.REGISTER, raw=payload.code, ip=client_ip(request)
    )
    user = registration_complete(
        code_id=payload.code_id, full_name=payload.full_name, password=payload.password
    )
    return Status(
        201, {"username": user.username, "full_name": user.full_name, "token": api_token_issue(user=user)}
    )
