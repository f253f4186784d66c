from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "intraprenad.demo"
    label = "demo"
