from django.apps import AppConfig


class EconomyConfig(AppConfig):
    name = "intraprenad.economy"
    label = "economy"
    verbose_name = "Ekonomi"
