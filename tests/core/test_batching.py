"""`dossier_change_batch`: which changed dossiers its listeners hear of as created in the batch's transaction."""

import pytest
from django.db import transaction

from motcua.core import batching


@pytest.fixture
def heard():
    calls = []

    def listener(ids, created):
        calls.append((ids, set(created)))

    batching.on_dossiers_changed(listener)
    yield calls
    batching._listeners.remove(listener)


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_created_dossiers_are_reported_as_such(heard):
    with transaction.atomic(), batching.dossier_change_batch():
        batching.dossier_created(7)
        batching.dossier_changed(7)
        batching.dossier_changed(8)
    assert heard == [([7, 8], {7})]


@pytest.mark.django_db(transaction=True)
def test_a_batch_outside_a_transaction_reports_none_as_created(heard):
    # An inner transaction would have committed the dossier before the batch's listeners ran.
    with batching.dossier_change_batch():
        with transaction.atomic():
            batching.dossier_created(7)
            batching.dossier_changed(7)
    assert heard == [([7], set())]
    batching.dossier_created(9)  # outside any batch: nothing to note, nothing raised
