"""Signing in with VNeID: claims to an account."""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.core.exceptions import NotPermitted

from ..enums import IdentifierKind
from ..identifiers import Identifier, email_normalize, id_number_normalize, phone_normalize
from ..models import ExternalIdentity, User
from ..selectors import (
    identifier_owner,
)
from .codes import (
    contact_set,
    username_new,
)

logger = logging.getLogger("motcua.accounts")


def user_sign_in_with_vneid(*, issuer: str, claims: dict) -> User:
    """The account of a VNeID subject: the one already linked to (issuer, sub), else the one whose ID number
    was verified (at the counter) and equals the ID-number claim, else a new account. VNeID's name and ID
    number are authoritative; its phone and e-mail fill empty details and sign in only when it says they are
    verified and nobody else uses them."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise NotPermitted("Tài khoản định danh điện tử không gửi mã định danh.")
    number = id_number_normalize(str(claims.get(settings.MOTCUA_OIDC_ID_NUMBER_CLAIM) or ""))
    name = " ".join(str(claims.get("name") or "").split())[:200]
    now = timezone.now()
    try:
        with transaction.atomic():
            identity = (
                ExternalIdentity.objects.select_for_update().filter(issuer=issuer, subject=subject).first()
            )
            user_id = identity.user_id if identity else None
            if user_id is None and number:
                user_id = (
                    User.objects.filter(id_number=number, is_id_number_verified=True)
                    .values_list("pk", flat=True)
                    .first()
                )
            if user_id is None:
                user = User(username=username_new())
                user.set_unusable_password()
            else:
                user = User.objects.select_for_update().get(pk=user_id)
            if name:
                user.full_name = name
            if number:
                if user.is_id_number_verified and user.id_number != number:
                    logger.warning(
                        "vneid id number differs from the linked account", extra={"user_id": user.pk}
                    )
                    raise NotPermitted(
                        "Số định danh của tài khoản VNeID khác với tài khoản trên hệ thống. Liên hệ bộ phận "
                        "một cửa để được hỗ trợ."
                    )
                if (
                    not User.objects.filter(id_number=number, is_id_number_verified=True)
                    .exclude(pk=user.pk)
                    .exists()
                ):
                    user.id_number, user.is_id_number_verified = number, True
            for kind, value, verified in (
                (
                    IdentifierKind.PHONE,
                    phone_normalize(str(claims.get("phone_number") or "")),
                    claims.get("phone_number_verified"),
                ),
                (
                    IdentifierKind.EMAIL,
                    email_normalize(str(claims.get("email") or "")),
                    claims.get("email_verified"),
                ),
            ):
                if not value:
                    continue
                has_verified = (
                    user.is_phone_verified if kind == IdentifierKind.PHONE else user.is_email_verified
                )
                current = user.phone if kind == IdentifierKind.PHONE else user.email
                contact = Identifier(kind, value)
                if (
                    verified is True
                    and not has_verified
                    and identifier_owner(identifier=contact, exclude=user) is None
                ):
                    contact_set(user, contact)
                elif not current:
                    contact_set(user, contact, verified=False)
            user.save()
            if identity is None:
                ExternalIdentity.objects.create(user=user, issuer=issuer, subject=subject, last_login_at=now)
            else:
                ExternalIdentity.objects.filter(pk=identity.pk).update(last_login_at=now)
    except IntegrityError as exc:
        raise NotPermitted("Không liên kết được tài khoản định danh điện tử. Vui lòng thử lại.") from exc
    logger.info("signed in with vneid", extra={"user_id": user.pk, "is_new_account": user_id is None})
    return user
