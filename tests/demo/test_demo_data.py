from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from motcua.accounts.models import ApiToken
from motcua.catalog.enums import VersionStatus
from motcua.catalog.models import ProcedureVersion
from motcua.demo.loader import DEMO_PASSWORD, demo_load
from motcua.dossiers.models import Dossier, DossierResult
from motcua.ratings.models import Rating
from tests.demo.helpers import in_force_versions


@pytest.mark.django_db
def test_demo_load_puts_the_real_procedures_in_force():
    counts = demo_load()

    versions = in_force_versions()
    codes = {v.procedure.national_code for v in versions}
    assert counts["procedures"] == 24
    assert len(versions) == 24
    assert {"1.001193", "1.000894", "2.000815", "1.001612", "1.013225", "1.013978"} <= codes
    for version in versions:
        assert version.procedure.local_code == f"{version.procedure.national_code}.000.00.00.H12"
        assert version.procedure.current_version_id == version.id
        assert version.competent_units.exists()
        assert "phân bổ thời gian minh họa" in version.processes.first().name


@pytest.mark.django_db
def test_apitoken_for_an_unknown_user_fails_and_issues_nothing():
    with pytest.raises(CommandError, match="Không tìm thấy người dùng “khongco”"):
        call_command("apitoken", "khongco", stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_demo_command_without_serving_loads_every_part_once_and_prints_the_accounts():
    """`motcua demo --no-serve` runs `demo_load` (catalogue and three months of dossiers), then the
    certificates, ratings and counter services. The dossiers' mix of states and the accounts table used to be
    checked by two tests that each generated the whole demo, the two slowest tests of the suite: one run of the
    command serves both, and rerunning `demo_load` still adds nothing."""
    out = StringIO()
    # A fixed "today" makes the generated mix of states the same on every run.
    with time_machine.travel("2026-11-23 10:00 +0700", tick=False):
        call_command("demo", "--no-serve", "--port", "8123", stdout=out)

    text = out.getvalue()
    assert "http://127.0.0.1:8123/" in text
    for username in (
        "admin",
        "tiepnhan",
        "tiepnhan_xa",
        "chuyenvien",
        "truongphong",
        "lanhdao",
        "giamsat",
        "congdan",
    ):
        assert f"  {username} " in text
    assert DEMO_PASSWORD in text
    assert ProcedureVersion.objects.filter(status=VersionStatus.IN_FORCE).count() == 24
    # The dashboard's satisfaction figures have ratings behind them, and online results are signed.
    assert Rating.objects.exists()
    assert DossierResult.objects.exists()

    made = Dossier.objects.count()
    assert made >= 150
    assert f"Hồ sơ trình diễn (3 tháng gần đây): {made}" in text
    statuses = dict(Dossier.objects.values_list("status").annotate(n=Count("id")))
    for status in ("returned", "processing", "awaiting_supplement", "result_ready", "refused", "incomplete"):
        assert statuses.get(status, 0) > 0, status
    assert Dossier.objects.filter(timeliness="late").exists()
    assert Dossier.objects.filter(timeliness="early").exists()
    assert Dossier.objects.filter(extended_due_at__isnull=False).exists()
    assert Dossier.objects.values("receiving_unit").distinct().count() >= 3
    codes = list(Dossier.objects.exclude(code=None).values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    call_command("demo_load", stdout=StringIO())
    assert Dossier.objects.count() == made
