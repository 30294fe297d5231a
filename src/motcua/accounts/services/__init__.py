"""Writes of accounts. Every write is one transaction; codes and their messages are written together (the
outbox row is part of the same transaction), so a refused change sends nothing."""

from .citizens import (
    account_activation_check,
    citizen_activation_resend,
    citizen_register_at_counter,
    contact_change_confirm,
    contact_change_start,
    current_password_matches,
    password_reset_start,
    password_set_with_code,
    registration_complete,
    registration_start,
    user_password_change,
    user_profile_update,
)
from .codes import verification_code_check
from .signin import api_token_issue, api_token_issue_for_credentials, api_token_user, user_authenticate
from .vneid import user_sign_in_with_vneid

__all__ = [
    "account_activation_check",
    "api_token_issue",
    "api_token_issue_for_credentials",
    "api_token_user",
    "citizen_activation_resend",
    "citizen_register_at_counter",
    "contact_change_confirm",
    "contact_change_start",
    "current_password_matches",
    "password_reset_start",
    "password_set_with_code",
    "registration_complete",
    "registration_start",
    "user_authenticate",
    "user_password_change",
    "user_profile_update",
    "user_sign_in_with_vneid",
    "verification_code_check",
]
