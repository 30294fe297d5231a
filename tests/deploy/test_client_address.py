"""Behind nginx the per-client rate limits must count each citizen, not the proxy (deploy/nginx/motcua.conf)."""

import pytest

pytestmark = pytest.mark.django_db


def _look_up(client, address):
    return client.post(
        "/tra-cuu/", {"ma": "H12.99-260302-0001", "so": "1234"}, HTTP_X_REAL_IP=address
    ).status_code


def test_behind_nginx_each_client_has_its_own_limit(client, settings):
    settings.MOTCUA_CLIENT_IP_HEADER = "X-Real-IP"
    settings.MOTCUA_STATUS_RATE_PER_MINUTE = 1
    assert _look_up(client, "203.0.113.5") == 404
    assert _look_up(client, "203.0.113.5") == 429
    assert _look_up(client, "203.0.113.6") == 404


def test_without_the_setting_the_header_is_ignored(client, settings):
    settings.MOTCUA_CLIENT_IP_HEADER = ""
    settings.MOTCUA_STATUS_RATE_PER_MINUTE = 1
    assert _look_up(client, "203.0.113.5") == 404
    # A client that forges the header does not get a fresh allowance.
    assert _look_up(client, "203.0.113.6") == 429


def test_a_malformed_header_keeps_the_socket_address(client, settings):
    settings.MOTCUA_CLIENT_IP_HEADER = "X-Real-IP"
    settings.MOTCUA_STATUS_RATE_PER_MINUTE = 1
    assert _look_up(client, "not-an-address") == 404
    assert _look_up(client, "also; not") == 429
