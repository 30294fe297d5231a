"""Media on an S3-compatible store (moto plays the store in-process): uploads land in the bucket, the
permission-checked download reads them back through the storage API, and /readyz checks the bucket."""

import os
import subprocess
import sys
from datetime import datetime

import boto3
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from moto import mock_aws

from motcua.dossiers.services import DocumentData, dossier_intake
from motcua.workcal.calendar import LOCAL_TZ
from tests.authz_policies import PNG
from tests.factories import dossier_world, intake_data

pytestmark = pytest.mark.django_db
BUCKET = "motcua-ho-so"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def bucket(settings, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
        client.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": "us-east-1",
                    "access_key": "k",
                    "secret_key": "s",
                    "default_acl": None,
                    "file_overwrite": False,
                },
            },
        }
        yield client


def _keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def _dossier_with_a_scan():
    with time_machine.travel(NOW, tick=False):
        w = dossier_world()
        data = intake_data(w)
        data.documents = [
            DocumentData(name="Tờ khai", upload=SimpleUploadedFile("to-khai.png", PNG, "image/png"))
        ]
        dossier = dossier_intake(data=data, actor=w.receiver)
    return w, dossier, dossier.documents.get()


def test_an_uploaded_scan_is_stored_in_the_bucket_and_served_by_the_checked_view(bucket, client, settings):
    w, dossier, document = _dossier_with_a_scan()
    assert _keys(bucket) == [document.file.name]
    assert not (settings.MEDIA_ROOT / document.file.name).exists()
    client.force_login(w.receiver)
    response = client.get(f"/can-bo/ho-so/{dossier.code}/tep/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG


def test_a_scan_missing_from_the_bucket_is_a_404_page_not_an_error(bucket, client):
    w, dossier, document = _dossier_with_a_scan()
    bucket.delete_object(Bucket=BUCKET, Key=document.file.name)
    client.force_login(w.receiver)
    response = client.get(f"/can-bo/ho-so/{dossier.code}/tep/{document.pk}/")
    assert response.status_code == 404
    assert "không còn trong kho lưu trữ" in response.content.decode()


def test_readiness_writes_to_the_bucket_and_cleans_up(bucket, client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["storage"]["ok"] is True
    assert _keys(bucket) == []


def test_readiness_fails_when_the_bucket_is_gone(bucket, client):
    bucket.delete_bucket(Bucket=BUCKET)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {
        "ok": False,
        "error": "NoSuchBucket",
        "ms": response.json()["checks"]["storage"]["ms"],
    }


def _default_storage_backend(tmp_path, **environ) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_S3_")}
    env.update(MOTCUA_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="motcua.settings", **environ)
    script = (
        "import django; django.setup(); from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, "
        "getattr(s, 'bucket_name', ''), getattr(s, 'endpoint_url', ''), getattr(s, 'file_overwrite', ''))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip()


def test_the_media_folder_is_the_default(tmp_path):
    assert _default_storage_backend(tmp_path) == "FileSystemStorage"


def test_a_bucket_in_the_environment_switches_media_to_s3(tmp_path):
    assert (
        _default_storage_backend(
            tmp_path, MOTCUA_S3_BUCKET="tinh-h12", MOTCUA_S3_ENDPOINT_URL="https://s3.tinh.gov.vn"
        )
        == "S3Storage tinh-h12 https://s3.tinh.gov.vn False"
    )
