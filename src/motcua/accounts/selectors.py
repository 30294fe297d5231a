"""Reads of accounts: who a sign-in name points to, and the citizens an officer may see."""

from django.db.models import Q

from motcua.core.exceptions import NotFound, ValidationFailed

from .enums import IdentifierKind
from .identifiers import Identifier, identifier_parse
from .models import User


def user_get_by_verified_identifier(*, identifier: Identifier) -> User | None:
    if identifier.kind == IdentifierKind.EMAIL:
        return User.objects.filter(email__iexact=identifier.value, is_email_verified=True).first()
    return User.objects.filter(phone=identifier.value, is_phone_verified=True).first()


def user_get_for_sign_in(*, name: str) -> User | None:
    """The account a sign-in name points to: a username (officers, generated ones), else a verified phone
    number or e-mail address. Unverified contact details never sign anyone in."""
    name = (name or "").strip()
    if not name:
        return None
    user = User.objects.filter(username=name).first()
    if user is not None:
        return user
    try:
        identifier = identifier_parse(name)
    except ValidationFailed:  # not a phone or an address: only the username could have matched
        return None
    return user_get_by_verified_identifier(identifier=identifier)


def user_get_for_password_reset(*, identifier: Identifier) -> User | None:
    """The verified owner of the phone or address; failing that, the one active account that lists it
    unverified (accounts an administrator created with an e-mail address). The code goes to the address
    itself, so only its holder can use it."""
    user = user_get_by_verified_identifier(identifier=identifier)
    if user is not None:
        return user
    field = (
        Q(email__iexact=identifier.value)
        if identifier.kind == IdentifierKind.EMAIL
        else Q(phone=identifier.value)
    )
    candidates = list(User.objects.filter(field, is_active=True)[:2])
    return candidates[0] if len(candidates) == 1 else None


def identifier_owner(*, identifier: Identifier, exclude: User | None = None) -> User | None:
    """Another account already signing in with this phone or address."""
    user = user_get_by_verified_identifier(identifier=identifier)
    if user is not None and exclude is not None and user.pk == exclude.pk:
        return None
    return user


def citizen_get_for_officer(*, officer, user_id: int) -> User:
    """An account opened at the counter, for the officer who opened it (404 for everyone else)."""
    user = User.objects.filter(pk=user_id, registered_by=officer).first()
    if user is None:
        raise NotFound("Không tìm thấy tài khoản.")
    return user
