from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "intraprenad.core"
    label = "core"
