from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocstoreConfig(AppConfig):
    name = "motcua.docstore"
    verbose_name = _("Kho dữ liệu của công dân")
