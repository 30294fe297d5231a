from django.urls import include, path

from .views import bottlenecks, dashboard, dossier, index766, intake, register, reports, worklists

app_name = "backoffice"
urlpatterns = [
    path("", worklists.worklist, name="worklist"),
    path("tra-cuu/", worklists.search, name="search"),
    path("so-theo-doi/", register.register, name="register"),
    path("bao-cao/", reports.report_summary, name="reports"),
    path("bao-cao/diem-nghen/", bottlenecks.report_bottlenecks, name="bottlenecks"),
    path("bao-cao/766/", index766.index766_page, name="index766"),
    path("bao-cao/766/ho-so/", index766.index766_dossier_list, name="index766_dossiers"),
    path("bang-dieu-khien/", dashboard.dashboard, name="dashboard"),
    path("tiep-nhan/", intake.intake, name="intake"),
    path("tiep-nhan/thu-tuc/", intake.procedure_options, name="intake_procedures"),
    path("tiep-nhan/xem-truoc/", intake.preview, name="intake_preview"),
    path("tiep-nhan/nguoi-nop/", intake.applicant_lookup, name="intake_applicant"),
    path("ho-so/<str:reference>/", dossier.dossier_detail, name="dossier"),
    path("ho-so/<str:reference>/thao-tac/<str:action>/", dossier.dossier_action, name="dossier_action"),
    path("ho-so/<str:reference>/giai-trinh/<int:step_id>/", dossier.step_explain, name="step_explain"),
    path("ho-so/<str:reference>/tep/<int:document_id>/", dossier.document_download, name="document"),
    path("ho-so/<str:reference>/buu-chinh/thu-gom/", dossier.pickup_request, name="postal_pickup"),
    path("ho-so/<str:reference>/mau/<str:number>.pdf", dossier.form_pdf, name="form_pdf"),
    # An officer registers a citizen's account at the counter.
    path("cong-dan/", include("motcua.backoffice.citizen_urls")),
    # Attaching the signed electronic result.
    path("ket-qua/", include("motcua.backoffice.result_urls")),
    # Counter services (issue #6).
    path("quay/", include("motcua.queues.backoffice_urls")),
    path("lich-hen/", include("motcua.appointments.backoffice_urls")),
    path("phan-anh/", include("motcua.petitions.backoffice_urls")),
    path("thanh-toan/", include("motcua.payments.backoffice_urls")),
    # Who saw which personal data (issue #7): supervisors and administrators.
    path("du-lieu-ca-nhan/", include("motcua.privacy.backoffice_urls")),
]
