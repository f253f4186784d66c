"""The economy's API endpoints, one module per part, calling the same services as the pages."""

from . import budget, closing, followup, ledger

urlpatterns = [*ledger.urlpatterns, *budget.urlpatterns, *followup.urlpatterns, *closing.urlpatterns]
