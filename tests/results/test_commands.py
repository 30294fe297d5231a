"""`motcua verify_result`, `motcua demo_certificates` and the demo's signed results."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.demo.results import demo_results_sign
from motcua.dossiers.enums import ReturnMode
from motcua.dossiers.models import Dossier, DossierResult
from motcua.dossiers.results import dossier_result_attach
from motcua.paperwork.signing import certificate_dir, certificates_demo_create, signing_units
from motcua.paperwork.verify import pdf_verify

from .helpers import decided_dossier, plain_pdf

pytestmark = pytest.mark.django_db


def verify_command(path) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_result", str(path), stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def test_verify_result_exit_codes(w, tmp_path):
    certificates_demo_create()
    dossier = decided_dossier(w)
    result = dossier_result_attach(dossier=dossier, actor=w.leader, pdf=plain_pdf("Ket qua"))
    good = tmp_path / "ket-qua.pdf"
    good.write_bytes(result.file.read())
    content = good.read_bytes()
    position = content.index(b"Ket qua")
    bad = tmp_path / "sua.pdf"
    bad.write_bytes(content[:position] + b"Kex" + content[position + 3 :])
    unsigned = tmp_path / "chua-ky.pdf"
    unsigned.write_bytes(plain_pdf())

    code, text = verify_command(good)
    assert code == 0
    assert "KẾT LUẬN: HỢP LỆ" in text
    assert "Đơn vị ký số: Sở Tư pháp" in text
    assert "Thay đổi sau khi ký: không" in text
    assert f"Trùng khớp kết quả điện tử của hồ sơ {dossier.code}." in text
    assert "DEMO" in text

    code, text = verify_command(bad)
    assert code == 1
    assert "KẾT LUẬN: KHÔNG HỢP LỆ" in text
    assert "- Nội dung đã ký bị thay đổi: dữ liệu không còn khớp với chữ ký số." in text
    assert "Thay đổi sau khi ký: có" in text
    assert "Trùng khớp" not in text

    code, text = verify_command(unsigned)
    assert code == 1
    assert "- Tệp PDF không có chữ ký số." in text


def test_verify_result_of_a_missing_file_is_an_error(db, tmp_path):
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        call_command("verify_result", str(tmp_path / "khong-co.pdf"), stdout=StringIO())


def test_demo_certificates_command_is_idempotent(w):
    out = StringIO()
    call_command("demo_certificates", stdout=out)
    assert (
        f"Đã tạo {signing_units().count()} chứng thư số trình diễn trong {certificate_dir()}."
        in out.getvalue()
    )

    out = StringIO()
    call_command("demo_certificates", stdout=out)
    assert "Mọi đơn vị đã có chứng thư số" in out.getvalue()


def test_demo_signs_the_online_results_once(w):
    certificates_demo_create()
    online = decided_dossier(w, owner=w.citizen, return_it=True)
    Dossier.objects.filter(pk=online.pk).update(return_mode=ReturnMode.ONLINE)
    decided_dossier(w)  # returned at the counter: left alone

    assert demo_results_sign() == 1
    result = DossierResult.objects.get()
    assert result.dossier_id == online.pk
    assert result.signer_unit == w.justice
    assert pdf_verify(result.file.read()).is_valid
    assert demo_results_sign() == 0
