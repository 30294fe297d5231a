"""Rows built once and read by many tests, for set-ups that cost more than the tests that use them.

`yield from shared_rows(django_db_blocker, build)` in a module-scoped fixture opens a transaction, calls
`build()` inside it, hands its result to the tests and rolls everything back when the module is done. Each test
still runs in its own savepoint inside that transaction (pytest-django's per-test `TestCase` atomic nests), so
what one test writes is gone before the next starts, exactly as with rows built inside the test."""

import sys
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.db import transaction

T = TypeVar("T")


def shared_rows(django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            value = build()
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    try:
        yield value
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
