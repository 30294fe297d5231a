from django.urls import path  # noqa: F401

# Included at /can-bo/quay/ in the `backoffice` namespace.
urlpatterns: list = []
