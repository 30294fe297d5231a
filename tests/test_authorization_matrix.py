"""Every route of the URL configuration must be listed here with who may use it, or the suite fails.

Each route is called as: anonymous, a citizen, an officer of another unit (a commune centre's receiving
officer) and the right officer (the provincial centre's receiving officer), and writes are checked to have
changed nothing when refused."""

import string
from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLResolver, get_resolver

from motcua.accounts.services import api_token_issue
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import DocumentData, dossier_intake
from motcua.workcal.calendar import LOCAL_TZ
from tests.authz_policies import LOGIN, PNG, WHO, Check, everyone
from tests.factories import dossier_world, intake_data
from tests.shared_rows import shared_rows

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)
# route pattern → checks. Keep it in step with the URL configuration: the first test enforces it.
POLICY: dict[str, list[Check]] = {
    "": [Check("get", "/", everyone(200))],
    "thu-tuc/": [Check("get", "/thu-tuc/?q=xac+nhan", everyone(200))],
    "thu-tuc/<str:code>/": [Check("get", "/thu-tuc/1.004873/", everyone(200))],
    "tra-cuu/": [
        Check("get", "/tra-cuu/?ma={code}", everyone(200)),
        Check("post", "/tra-cuu/", everyone(200), data={"ma": "{code}", "so": "5678"}),
    ],
    "so-lieu/": [Check("get", "/so-lieu/", everyone(200))],
    "so-lieu/du-lieu-mo.csv": [Check("get", "/so-lieu/du-lieu-mo.csv", everyone(200))],
    "so-lieu/du-lieu-mo.json": [Check("get", "/so-lieu/du-lieu-mo.json", everyone(200))],
    "so-lieu/<str:code>/": [Check("get", "/so-lieu/H12.04/", everyone(200))],
    "can-bo/bang-dieu-khien/": [
        Check(
            "get",
            "/can-bo/bang-dieu-khien/",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 200, "officer": 200},
        )
    ],
    # A signed-in person is sent on to the home page.
    "dang-nhap/": [Check("get", "/dang-nhap/", {**everyone(302), "anonymous": 200})],
    "dang-xuat/": [Check("get", "/dang-xuat/", everyone(200))],
    "i18n/setlang/": [Check("post", "/i18n/setlang/", everyone(302), data={"language": "vi", "next": "/"})],
    "api/v1/": [Check("get", "/api/v1/", everyone(404))],
    "api/v1/openapi.json": [Check("get", "/api/v1/openapi.json", everyone(200))],
    "api/v1/docs": [Check("get", "/api/v1/docs", everyone(200))],
    "api/v1/auth/token": [
        Check("post", "/api/v1/auth/token", everyone(403), data={"username": "x", "password": "y"}, api=True)
    ],
    "api/v1/auth/me": [Check("get", "/api/v1/auth/me", {**everyone(200), "anonymous": 401}, api=True)],
    "api/v1/units": [Check("get", "/api/v1/units", everyone(200), api=True)],
    "api/v1/calendar/deadline": [
        Check(
            "get", "/api/v1/calendar/deadline?unit=H12.99&amount=1&kind=working_days", everyone(200), api=True
        )
    ],
    "api/v1/procedures": [Check("get", "/api/v1/procedures", everyone(200), api=True)],
    "api/v1/procedures/<code>": [Check("get", "/api/v1/procedures/1.004873", everyone(200), api=True)],
    "api/v1/dossiers": [
        Check("get", "/api/v1/dossiers", {**everyone(200), "anonymous": 401}, api=True),
        Check(
            "post",
            "/api/v1/dossiers",
            # A citizen's POST is an online draft of their own (issue #4 §2); officers take in at the counter.
            {"anonymous": 401, "citizen": 201, "other_unit": 201, "officer": 201},
            data={"procedure": "1.004873", "applicant": {"name": "Lê Văn Nam", "phone": "0911222333"}},
            api=True,
            writes=True,
        ),
    ],
    "api/v1/dossiers/<code>": [
        Check(
            "get",
            "/api/v1/dossiers/{code}",
            {"anonymous": 401, "citizen": 404, "other_unit": 404, "officer": 200},
            api=True,
        )
    ],
    "api/v1/dossiers/<code>/history": [
        Check(
            "get",
            "/api/v1/dossiers/{code}/history",
            {"anonymous": 401, "citizen": 404, "other_unit": 404, "officer": 200},
            api=True,
        )
    ],
    "api/v1/dossiers/<code>/actions/<action>": [
        Check(
            "post",
            "/api/v1/dossiers/{code}/actions/transfer",
            {"anonymous": 401, "citizen": 404, "other_unit": 404, "officer": 200},
            data={"note": ""},
            api=True,
            writes=True,
        )
    ],
    "api/v1/dossiers/<code>/forms/<number>.pdf": [
        Check(
            "get",
            "/api/v1/dossiers/{code}/forms/01.pdf",
            {"anonymous": 401, "citizen": 404, "other_unit": 404, "officer": 200},
            api=True,
        )
    ],
    "api/v1/public/status/<code>": [Check("get", "/api/v1/public/status/{code}?phone=5678", everyone(200))],
    "api/v1/public/status": [
        Check(
            "post", "/api/v1/public/status", everyone(200), data={"code": "{code}", "phone": "5678"}, api=True
        )
    ],
    "api/v1/register": [
        Check(
            "get",
            "/api/v1/register?unit=H12.99&from=2026-03-01&to=2026-03-31",
            {"anonymous": 401, "citizen": 403, "other_unit": 403, "officer": 200},
            api=True,
        )
    ],
    "api/v1/reports/summary": [
        Check(
            "get",
            "/api/v1/reports/summary?unit=H12.99&from=2026-03-01&to=2026-03-31",
            {"anonymous": 401, "citizen": 403, "other_unit": 403, "officer": 200},
            api=True,
        ),
        Check(
            "get",
            "/api/v1/reports/summary?unit=H12.99&from=2026-03-01&to=2026-03-31&format=xlsx",
            {"anonymous": 401, "citizen": 403, "other_unit": 403, "officer": 200},
            api=True,
        ),
    ],
    "api/v1/reports/index766": [
        Check(
            "get",
            "/api/v1/reports/index766?unit=H12.99&from=2026-03-01&to=2026-03-31",
            {"anonymous": 401, "citizen": 403, "other_unit": 403, "officer": 200},
            api=True,
        )
    ],
    "can-bo/": [
        Check("get", "/can-bo/", {"anonymous": LOGIN, "citizen": 403, "other_unit": 200, "officer": 200})
    ],
    "can-bo/tra-cuu/": [
        Check(
            "get",
            "/can-bo/tra-cuu/?q=Hoa",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 200, "officer": 200},
        )
    ],
    "can-bo/so-theo-doi/": [
        Check(
            "get",
            "/can-bo/so-theo-doi/?don_vi=H12.99&tu=2026-03-01&den=2026-03-31&dinh_dang=xlsx",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 422, "officer": 200},
        )
    ],
    "can-bo/bao-cao/": [
        Check(
            "get",
            "/can-bo/bao-cao/?don_vi=H12.99&tu=2026-03-01&den=2026-03-31",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 403, "officer": 200},
        ),
        Check(
            "get",
            "/can-bo/bao-cao/?don_vi=H12.99&tu=2026-03-01&den=2026-03-31&dinh_dang=xlsx",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 403, "officer": 200},
        ),
    ],
    "can-bo/bao-cao/diem-nghen/": [
        Check(
            "get",
            "/can-bo/bao-cao/diem-nghen/?tu=2026-03-01&den=2026-03-31",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 200, "officer": 200},
        )
    ],
    "can-bo/bao-cao/766/": [
        Check(
            "get",
            "/can-bo/bao-cao/766/?don_vi=H12.99&tu=2026-03-01&den=2026-03-31",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 403, "officer": 200},
        )
    ],
    "can-bo/bao-cao/766/ho-so/": [
        Check(
            "get",
            "/can-bo/bao-cao/766/ho-so/?don_vi=H12.99&tu=2026-03-01&den=2026-03-31&chi_so=PROGRESS_ON_TIME&phan=mau",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 403, "officer": 200},
        )
    ],
    "can-bo/tiep-nhan/": [
        Check(
            "get",
            "/can-bo/tiep-nhan/",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 200, "officer": 200},
        )
    ],
    "can-bo/tiep-nhan/thu-tuc/": [
        Check(
            "get",
            "/can-bo/tiep-nhan/thu-tuc/?q=xac",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 200, "officer": 200},
        )
    ],
    "can-bo/tiep-nhan/xem-truoc/": [
        Check(
            "get",
            "/can-bo/tiep-nhan/xem-truoc/?thu_tuc={version}",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 200, "officer": 200},
        )
    ],
    "can-bo/tiep-nhan/nguoi-nop/": [
        Check(
            "post",
            "/can-bo/tiep-nhan/nguoi-nop/",
            data={"so_dinh_danh": "096123456789"},
            expect={"anonymous": LOGIN, "citizen": 403, "other_unit": 200, "officer": 200},
        )
    ],
    "can-bo/ho-so/<str:reference>/": [
        Check(
            "get",
            "/can-bo/ho-so/{code}/",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 404, "officer": 200},
        )
    ],
    "can-bo/ho-so/<str:reference>/thao-tac/<str:action>/": [
        Check(
            "post",
            "/can-bo/ho-so/{code}/thao-tac/transfer/",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 404, "officer": 302},
            writes=True,
        )
    ],
    "can-bo/ho-so/<str:reference>/giai-trinh/<int:step_id>/": [
        Check(
            "post",
            "/can-bo/ho-so/{code}/giai-trinh/{step}/",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 404, "officer": 409},
            data={"explanation": "Giải trình"},
            writes=True,
        )
    ],
    "can-bo/ho-so/<str:reference>/tep/<int:document_id>/": [
        Check(
            "get",
            "/can-bo/ho-so/{code}/tep/{doc}/",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 404, "officer": 200},
        )
    ],
    "can-bo/ho-so/<str:reference>/mau/<str:number>.pdf": [
        Check(
            "get",
            "/can-bo/ho-so/{code}/mau/01.pdf",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 404, "officer": 200},
        )
    ],
}


# Areas added later keep their policy beside their tests: tests/authz_policies/<area>.py defines POLICY (same
# shape) and, when its checks need more context, `context(world, now) -> dict` (runs inside the frozen clock).
def _area_modules():
    import importlib
    import pkgutil

    import tests.authz_policies as package

    return [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
    ]


ROUTE_MODULE = {}
for _module in _area_modules():
    _clash = set(POLICY) & set(_module.POLICY)
    assert not _clash, f"{_module.__name__} repeats routes {_clash}"
    POLICY.update(_module.POLICY)
    ROUTE_MODULE.update(dict.fromkeys(_module.POLICY, _module))


def _placeholders(check) -> set[str]:
    texts = [check.url, *(v for v in check.data.values() if isinstance(v, str))]
    return {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}


def _area_context(route, check, w, context) -> None:
    """The route's own area builds its context; other areas only for a placeholder that is still unknown and
    that they provide (`w.provides`, learnt once per module). Building every area's context for each of the
    thousand cases made this the slowest test of the suite, and so did building every area up to the one that
    had the placeholder."""
    owner = ROUTE_MODULE.get(route)
    needed = _placeholders(check)
    for module in [owner] + [m for m in _area_modules() if m is not owner]:
        if module is None or not hasattr(module, "context"):
            continue
        if module is not owner and not (needed - context.keys()) & w.provides[module.__name__]:
            continue
        context.update(module.context(w, NOW))


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def test_every_route_is_in_the_policy():
    routes = {r for r in _routes(get_resolver().url_patterns) if not r.startswith("quan-tri/")}
    assert routes - set(POLICY) == set(), "add these routes to POLICY with who may use them"
    assert set(POLICY) - routes == set(), "POLICY lists routes that no longer exist"


CASES = [
    (route, index, who) for route, checks in POLICY.items() for index in range(len(checks)) for who in WHO
]


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world and the dossier every case starts from, built once: building them for each of the ~1,200
    cases was a third of the matrix's time. Each case runs in a savepoint inside the shared transaction, so its
    area's objects and whatever its request writes are rolled back before the next case."""
    media = tmp_path_factory.mktemp("matrix-media")

    def build():
        # The autouse fixtures of tests/conftest.py are per test and not active yet: the same settings here
        # (the ten users of the world were hashed with Argon2 without this).
        with (
            override_settings(
                MEDIA_ROOT=media,
                MOTCUA_CERT_DIR=media / "certs",
                MOTCUA_POSTAL_MANUAL_DIR=media / "postal",
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            ),
            time_machine.travel(NOW, tick=False),
        ):
            w = dossier_world()
            data = intake_data(w)
            data.documents = [
                DocumentData(name="Tờ khai", upload=SimpleUploadedFile("to-khai.png", PNG, "image/png"))
            ]
            dossier = dossier_intake(data=data, actor=w.receiver)
            w.media = media
            w.base_context = {
                "code": dossier.code,
                "doc": dossier.documents.get().pk,
                "step": dossier.current_step.pk,
                "version": w.version.pk,
            }
            # Which placeholders each area's context provides: built once here and rolled back.
            w.provides = {}
            for module in _area_modules():
                if hasattr(module, "context"):
                    with transaction.atomic():
                        w.provides[module.__name__] = set(module.context(w, NOW))
                        transaction.set_rollback(True)
        return w

    yield from shared_rows(django_db_blocker, build)


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "index", "who"), CASES, ids=[f"{r or '/'}#{i}-{w}" for r, i, w in CASES])
def test_route_authorisation(client, settings, matrix_world, route, index, who):
    # The shared dossier's scan is in the module's folder; the files a case adds go there too, under new names.
    settings.MEDIA_ROOT = matrix_world.media
    check = POLICY[route][index]
    w = matrix_world
    with time_machine.travel(NOW, tick=False):
        context = dict(w.base_context)
        _area_context(route, check, w, context)
        user = {
            "citizen": w.citizen,
            "other_citizen": w.other_citizen,
            "other_unit": w.commune_receiver,
            "officer": w.receiver,
        }.get(who)
        headers = {}
        if user is not None:
            if check.api:
                headers["HTTP_AUTHORIZATION"] = f"Bearer {api_token_issue(user=user)}"
            else:
                client.force_login(user)
        url = check.url.format(**context)
        payload = {k: v.format(**context) if isinstance(v, str) else v for k, v in check.data.items()}
        before = (Dossier.objects.count(), DossierEvent.objects.count())
        if check.method == "get":
            response = client.get(url, **headers)
        elif check.api:
            response = client.post(url, payload, content_type="application/json", **headers)
        else:
            response = client.post(url, payload, **headers)
    # A policy written before "other_citizen" existed: another citizen gets what a citizen gets.
    expected = check.expect[who] if who in check.expect else check.expect["citizen"]
    assert response.status_code == expected, response.content[:300]
    if who == "anonymous" and route.startswith("can-bo/"):
        assert response["Location"].startswith("/dang-nhap/")
    if check.writes and expected >= 300 and not (expected == 302 and who == "officer"):
        assert (Dossier.objects.count(), DossierEvent.objects.count()) == before
