import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _restore_language():
    # LocaleMiddleware activates the request's language on the test thread and nothing resets it, so a
    # request in English would leak into later tests that render messages outside a request.
    language = translation.get_language()
    yield
    translation.activate(language)
