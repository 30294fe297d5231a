from django.urls import path

from . import open311_views

# Included at /open311/v2/ (no namespace of the site's own: Open311 clients use fixed paths).
urlpatterns = [
    path("discovery.json", open311_views.discovery, name="open311_discovery"),
    path("services.json", open311_views.services, name="open311_services"),
    path("services/<str:code>.json", open311_views.service_definition, name="open311_service"),
    path("requests.json", open311_views.requests, name="open311_requests"),
    path("requests/<str:code>/updates.json", open311_views.request_updates, name="open311_request_updates"),
    path("requests/<str:code>.json", open311_views.request_detail, name="open311_request"),
]
