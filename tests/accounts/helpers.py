"""Helpers for the account tests: the codes the outbox carries, and a real OpenID provider in a thread."""

import re
from contextlib import contextmanager

import requests

from motcua.notifications.models import Message

CODE = re.compile(r"\b(\d{6})\b")


def last_message(recipient: str) -> Message:
    return Message.objects.filter(recipient=recipient).order_by("-id").first()


def sent_code(recipient: str) -> str:
    """The six digits of the last message to `recipient` (what the citizen reads on their phone)."""
    message = last_message(recipient)
    assert message is not None, f"no message to {recipient}"
    match = CODE.search(message.body)
    assert match, message.body
    return match.group(1)


@contextmanager
def oidc_provider(**options):
    """oidc-provider-mock on a free port; yields its issuer URL."""
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(**options) as server:
        yield f"http://localhost:{server.server_port}"


def provider_user(issuer: str, sub: str, claims: dict) -> None:
    """Give the provider's subject the claims it will release."""
    response = requests.put(f"{issuer}/users/{sub}", json=claims, timeout=5)
    assert response.status_code in (200, 204), response.text


def provider_authorize(location: str, sub: str = "", *, deny: bool = False) -> str:
    """Play the person at the provider's consent page: pick `sub` (or refuse), and return where the provider
    sends the browser back."""
    data = {"action": "deny"} if deny else {"sub": sub}
    response = requests.post(location, data=data, allow_redirects=False, timeout=5)
    assert response.status_code in (302, 303), response.text[:500]
    return response.headers["Location"]
