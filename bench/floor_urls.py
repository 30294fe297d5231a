"""Bench-only endpoints (never in the application): the least work an endpoint that reads the database per
request can do, to bound what the public status lookup can reach against ping (issue #7 §5).

`GET /floor/query/<code>` is django-ninja, as ping and the lookup are, with a path parameter, and reads one
column of one dossier by its unique code through the lookup's own prepared, binary cursor: one indexed read, no
join, no rate limit, no phone check, a one-field answer. A lookup does all of that and more, so its throughput
cannot exceed this endpoint's; `load_http.py --floor` prints floor ÷ ping next to lookup ÷ ping."""

from django.urls import path
from ninja import NinjaAPI

from motcua.core.prepared import lookup_cursor
from motcua.dossiers.models import Dossier
from motcua.urls import urlpatterns as application

floor = NinjaAPI(title="bench floor", urls_namespace="bench-floor", docs_url=None, openapi_url=None)
_SQL = f"SELECT status FROM {Dossier._meta.db_table} WHERE code = %s"


@floor.get("/query/{code}", auth=None)
def query(request, code: str):
    with lookup_cursor() as cursor:
        cursor.execute(_SQL, [code])
        row = cursor.fetchone()
    return {"status": row[0] if row else None}


urlpatterns = [path("floor/", floor.urls), *application]
