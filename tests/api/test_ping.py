import pytest

from tests.factories import PASSWORD, UserFactory


@pytest.mark.django_db
def test_ping_answers_anyone_without_touching_the_database(client, django_assert_num_queries):
    # The load benchmark compares lookups against this answer: any query here would flatter the ratio.
    with django_assert_num_queries(0):
        response = client.get("/api/v1/ping")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert response["Content-Type"].startswith("application/json")

    # Signed in, the session middlewares read the session and the user; the endpoint itself still needs none.
    user = UserFactory()
    client.login(username=user.username, password=PASSWORD)
    signed_in = client.get("/api/v1/ping")
    assert signed_in.status_code == 200
    assert signed_in.json() == {"ok": True}


def test_ping_takes_no_other_method(client):
    assert client.post("/api/v1/ping").status_code == 405
