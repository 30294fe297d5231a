"""A token's last use is kept to the minute, without an UPDATE on every call."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from motcua.accounts.models import ApiToken
from motcua.accounts.services.signin import api_token_issue, api_token_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_last_use_is_written_once_a_minute():
    user = UserFactory()
    raw = api_token_issue(user=user)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert api_token_user(raw=raw) == user
        assert ApiToken.objects.get().last_used_at == start
        clock.shift(timedelta(seconds=30))
        assert api_token_user(raw=raw) == user
        assert ApiToken.objects.get().last_used_at == start
        clock.shift(timedelta(seconds=31))
        assert api_token_user(raw=raw) == user
        assert ApiToken.objects.get().last_used_at == start + timedelta(seconds=61)
