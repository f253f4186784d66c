from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "intraprenad.documents"
    label = "documents"
