"""The economy's pages, one module per part (ledger, budget, follow-up, closing)."""

from . import budget, closing, followup, ledger

urlpatterns = [*ledger.urlpatterns, *budget.urlpatterns, *followup.urlpatterns, *closing.urlpatterns]
