from django.urls import path  # noqa: F401

# Included at /dat-lich/ in the `portal` namespace.
urlpatterns: list = []
