from django.urls import path  # noqa: F401

# Included at /can-bo/lich-hen/ in the `backoffice` namespace.
urlpatterns: list = []
