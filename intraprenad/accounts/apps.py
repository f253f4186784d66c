from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "intraprenad.accounts"
    label = "accounts"
