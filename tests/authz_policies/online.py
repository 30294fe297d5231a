"""Online submission, "my dossiers" and the document store: signed-in people only; a dossier, its files and
stored documents only for their owner (another citizen, and every officer, get 404 as for a missing one)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.authz_policies import LOGIN, PNG, Check, everyone

SIGNED_IN = {**everyone(200), "anonymous": LOGIN}
OWNER_ONLY = {"anonymous": LOGIN, "citizen": 200, "other_citizen": 404, "other_unit": 404, "officer": 404}
# The owner is sent on (to the next page, or to the dossier page when the page does not apply now).
OWNER_REDIRECT = {**OWNER_ONLY, "citizen": 302}
OWNER_REFUSED = {**OWNER_ONLY, "citizen": 422}

BASE = "/ho-so-cua-toi/{online_ref}"

POLICY = {
    "nop-truc-tuyen/<str:code>/": [
        Check("get", "/nop-truc-tuyen/{online_code}/", SIGNED_IN),
        # Anybody signed in may start a draft of their own.
        Check(
            "post",
            "/nop-truc-tuyen/{online_code}/",
            {**everyone(302)},
            data={"receiving_unit": "{online_centre}"},
        ),
    ],
    "ho-so-cua-toi/": [Check("get", "/ho-so-cua-toi/", SIGNED_IN)],
    "ho-so-cua-toi/<str:reference>/": [Check("get", BASE + "/", OWNER_ONLY)],
    "ho-so-cua-toi/<str:reference>/noi-nop/": [
        Check("get", BASE + "/noi-nop/", OWNER_ONLY),
        Check(
            "post",
            BASE + "/noi-nop/",
            OWNER_REDIRECT,
            data={"receiving_unit": "{online_centre}"},
            writes=True,
        ),
    ],
    "ho-so-cua-toi/<str:reference>/nguoi-nop/": [
        Check("get", BASE + "/nguoi-nop/", OWNER_ONLY),
        Check(
            "post",
            BASE + "/nguoi-nop/",
            OWNER_REDIRECT,
            data={
                "kind": "person",
                "name": "Trần Văn Khải",
                "phone": "0912000111",
                "id_number": "001099000111",
            },
            writes=True,
        ),
    ],
    "ho-so-cua-toi/<str:reference>/to-khai/<int:page>/": [
        Check("get", BASE + "/to-khai/1/", OWNER_ONLY),
        Check("post", BASE + "/to-khai/1/", OWNER_REDIRECT, data={"muc_dich": "Đi học"}, writes=True),
    ],
    "ho-so-cua-toi/<str:reference>/giay-to/<int:requirement_id>/": [
        Check("get", BASE + "/giay-to/{online_component}/", OWNER_ONLY),
        Check(
            "post",
            BASE + "/giay-to/{online_component}/",
            OWNER_REDIRECT,
            data={"choice": "keep"},
            writes=True,
        ),
    ],
    "ho-so-cua-toi/<str:reference>/nhan-ket-qua/": [
        Check("get", BASE + "/nhan-ket-qua/", OWNER_ONLY),
        Check("post", BASE + "/nhan-ket-qua/", OWNER_REDIRECT, data={"return_mode": "counter"}, writes=True),
    ],
    "ho-so-cua-toi/<str:reference>/kiem-tra/": [
        Check("get", BASE + "/kiem-tra/", OWNER_ONLY),
        # The draft lacks its ID number and e-form answer: the owner is told so and nothing is sent.
        Check("post", BASE + "/kiem-tra/", OWNER_REFUSED, writes=True),
    ],
    "ho-so-cua-toi/<str:reference>/da-gui/": [Check("get", BASE + "/da-gui/", OWNER_REDIRECT)],
    "ho-so-cua-toi/<str:reference>/bo-sung/": [
        Check("get", BASE + "/bo-sung/", OWNER_REDIRECT),
        Check("post", BASE + "/bo-sung/", OWNER_REDIRECT, writes=True),
    ],
    "ho-so-cua-toi/<str:reference>/tep/<int:document_id>/": [
        Check("get", BASE + "/tep/{online_doc}/", OWNER_ONLY),
    ],
    "kho-du-lieu/": [Check("get", "/kho-du-lieu/", SIGNED_IN)],
    "kho-du-lieu/<int:document_id>/": [Check("get", "/kho-du-lieu/{online_store}/", OWNER_ONLY)],
}


def context(w, now) -> dict:
    """A draft of w.citizen's on an online procedure of its own (so no other area's world changes), with one
    scan attached and kept in the store."""
    from motcua.docstore.services import stored_document_add
    from motcua.dossiers.online import online_documents_add, online_draft_create
    from motcua.dossiers.services import DocumentData
    from tests.factories import published_procedure

    version = published_procedure(
        national_code="1.900901",
        name="Thủ tục thử nghiệm nộp trực tuyến",
        eform_fields=[{"name": "muc_dich", "label": "Mục đích", "type": "text", "required": True}],
    )
    draft = online_draft_create(actor=w.citizen, version=version, receiving_unit=w.centre)
    component = version.components.get()
    [document] = online_documents_add(
        dossier=draft,
        actor=w.citizen,
        documents=[
            DocumentData(
                name="", requirement_id=component.pk, upload=SimpleUploadedFile("scan.png", PNG, "image/png")
            )
        ],
    )
    stored = stored_document_add(
        owner=w.citizen,
        kind="submitted",
        name=component.name,
        file_name=document.file.name,
        content_type=document.content_type,
        size=document.size,
        sha256=document.sha256,
        source_dossier=draft,
        component_name=component.name,
    )
    return {
        "online_code": version.procedure.national_code,
        "online_centre": w.centre.pk,
        "online_ref": draft.reference,
        "online_component": component.pk,
        "online_doc": document.pk,
        "online_store": stored.pk,
    }
