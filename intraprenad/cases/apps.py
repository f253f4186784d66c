from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "intraprenad.cases"
    label = "cases"
