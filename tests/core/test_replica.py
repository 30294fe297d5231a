"""The router of motcua/core/replica.py: with MOTCUA_REPLICA_DATABASE_URL the reads inside `figures_reads`
go to the replica, every other read and every write to the primary."""

import warnings

import pytest
from django.db import router, transaction
from django.test import override_settings

from motcua.core import replica
from motcua.dossiers.models import Dossier
from motcua.reports.models import FigureDelta


@pytest.fixture
def with_replica(settings):
    databases = {
        **settings.DATABASES,
        "replica": {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}},
    }
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore"
        )  # Django warns that overriding DATABASES is unusual: only the router reads it
        with override_settings(DATABASES=databases):
            yield


def test_without_a_replica_every_read_stays_on_the_primary(db):
    with replica.figures_reads():
        assert router.db_for_read(FigureDelta) == "default"
    assert router.db_for_read(Dossier) == "default"


# Not inside the test's own transaction: there every read belongs to the primary (see the atomic block below).
@pytest.mark.django_db(transaction=True)
def test_with_a_replica_only_the_figures_reads_go_there(with_replica):
    assert router.db_for_read(FigureDelta) == "default"
    with replica.figures_reads():
        assert router.db_for_read(FigureDelta) == "replica"
        assert router.db_for_read(Dossier) == "replica"
        assert router.db_for_write(FigureDelta) == "default"
        # Inside a transaction of the primary the reads belong to it: the replica would not see its writes.
        with transaction.atomic():
            assert router.db_for_read(Dossier) == "default"
    assert router.db_for_read(FigureDelta) == "default"
    assert router.allow_migrate("replica", "reports") is False
    assert router.allow_migrate("default", "reports") is True
