"""The pages and API of the figures read inside `figures_reads` (the replica when configured,
motcua/core/replica.py; the router's own decisions: tests/core/test_replica.py); other pages do not."""

import pytest

from motcua.accounts.services import api_token_issue
from motcua.core import replica
from motcua.reports.models import FigureDelta

SHARED_SCENARIO = True


@pytest.fixture
def decisions(monkeypatch):
    """Every read decision the router takes: (model, whether inside figures_reads)."""
    seen = []
    original = replica.FiguresReplicaRouter.db_for_read

    def recording(self, model, **hints):
        seen.append((model, replica.reading_figures()))
        return original(self, model, **hints)

    monkeypatch.setattr(replica.FiguresReplicaRouter, "db_for_read", recording)
    return seen


def _sums_read_as_figures(decisions) -> bool:
    sums = [figures for model, figures in decisions if model is FigureDelta]
    return bool(sums) and all(sums)


@pytest.mark.parametrize(
    "url",
    [
        "/can-bo/bang-dieu-khien/",
        "/can-bo/bao-cao/?tu=2026-03-01&den=2026-03-31",
        "/can-bo/bao-cao/766/?tu=2026-03-01&den=2026-03-31",
    ],
)
def test_the_figure_pages_read_as_figures(client, scenario, w, decisions, url):
    client.force_login(w.receiver)
    assert client.get(url).status_code == 200
    assert _sums_read_as_figures(decisions)


@pytest.mark.parametrize(
    "url", ["/so-lieu/", "/so-lieu/du-lieu-mo.csv", "/so-lieu/du-lieu-mo.json", "/so-lieu/H12.99/"]
)
def test_the_public_figures_read_as_figures(client, scenario, decisions, url):
    assert client.get(url).status_code == 200
    assert _sums_read_as_figures(decisions)


@pytest.mark.parametrize(
    "path", ["/api/v1/reports/summary", "/api/v1/reports/index766", "/api/v1/reports/satisfaction"]
)
def test_the_report_api_reads_as_figures(client, scenario, w, decisions, path):
    token = api_token_issue(user=w.receiver)
    response = client.get(
        path, {"from": "2026-03-01", "to": "2026-03-31"}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    reads = [figures for model, figures in decisions if model is not None]
    assert reads and any(reads)


def test_the_worklist_reads_the_primary(client, scenario, w, decisions):
    client.force_login(w.receiver)
    assert client.get("/can-bo/").status_code == 200
    assert decisions and not any(figures for _, figures in decisions)
