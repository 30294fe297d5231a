from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "motcua.api"
    verbose_name = "REST API"
