from django.core.management.base import BaseCommand

from intraprenad.demo import scenario


class Command(BaseCommand):
    help = "Skapar demokommunen (en gång) och skriver ut inloggningarna."

    def handle(self, *args, **options):
        if scenario.is_loaded():
            self.stdout.write("Demokommunen finns redan i databasen.")
        else:
            self.stdout.write("Skapar demokommunen …")
            scenario.build()
            self.stdout.write(self.style.SUCCESS("Demokommunen är skapad."))
        self.stdout.write("")
        self.stdout.write(f"Demoinloggningar på http://127.0.0.1:8000/ (lösenord för alla: {scenario.DEMO_PASSWORD}):")
        for login in scenario.logins():
            self.stdout.write(f"  {login.username:<18} {login.name:<18} {login.role} – {login.scope}")
