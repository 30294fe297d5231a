from django.urls import path

from . import backoffice_views

# Included at /can-bo/phan-anh/ in the `backoffice` namespace.
urlpatterns = [
    path("", backoffice_views.petition_worklist_view, name="petition_worklist"),
    path("<str:code>/", backoffice_views.petition_detail_view, name="petition_detail"),
    path(
        "<str:code>/tep/<int:attachment_id>/",
        backoffice_views.petition_attachment_view,
        name="petition_attachment",
    ),
    path("<str:code>/<str:action>/", backoffice_views.petition_action_view, name="petition_action"),
]
