from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "intraprenad.lifecycle"
    label = "lifecycle"
