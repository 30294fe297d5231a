from pathlib import Path

from motcua.api.management.commands.openapi_export import openapi_text

SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_committed_openapi_document_matches_the_code():
    # A change of the API shows up as a diff of docs/openapi.json in review.
    assert SNAPSHOT.read_text(encoding="utf-8") == openapi_text(), (
        "the API changed: run `motcua openapi_export docs/openapi.json` and commit the diff"
    )
