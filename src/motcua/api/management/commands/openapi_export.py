import json
from pathlib import Path

from django.core.management.base import BaseCommand

from motcua.api.urls import api


def openapi_text() -> str:
    """The OpenAPI document as committed in docs/openapi.json (sorted keys, so diffs read well)."""
    return json.dumps(api.get_openapi_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Ghi tài liệu OpenAPI của API ra tệp (mặc định docs/openapi.json)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="docs/openapi.json")

    def handle(self, *args, path: str, **options):
        Path(path).write_text(openapi_text(), encoding="utf-8")
        self.stdout.write(f"Đã ghi {path}")
