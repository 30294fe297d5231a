import io
from datetime import datetime

import openpyxl
import pytest
import time_machine

from motcua.dossiers.services import dossier_intake
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import dossier_world, intake_data

pytestmark = pytest.mark.django_db


def test_register_page_prints_pdf_and_excel_for_the_officers_centre(client):
    with time_machine.travel(datetime(2026, 3, 2, 8, 0, tzinfo=LOCAL_TZ), tick=False):
        w = dossier_world()
        dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
        client.force_login(w.receiver)
        page = client.get("/can-bo/so-theo-doi/")
        assert page.status_code == 200
        assert "Sổ theo dõi hồ sơ" in page.content.decode()
        query = {"don_vi": "H12.99", "tu": "2026-03-01", "den": "2026-03-31"}
        pdf = client.get("/can-bo/so-theo-doi/", {**query, "dinh_dang": "pdf"})
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
        xlsx = client.get("/can-bo/so-theo-doi/", {**query, "dinh_dang": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
        assert dossier.code in [c.value for row in sheet.iter_rows() for c in row]
        bad = client.get("/can-bo/so-theo-doi/", {**query, "tu": "02/03/2026", "dinh_dang": "pdf"})
        assert bad.status_code == 422
        assert "Ngày không hợp lệ" in bad.content.decode()
