from django.urls import path  # noqa: F401

# Included at /open311/v2/ (no namespace of the site's own: Open311 clients use fixed paths).
urlpatterns: list = []
