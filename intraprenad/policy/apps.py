from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "intraprenad.policy"
    label = "policy"
