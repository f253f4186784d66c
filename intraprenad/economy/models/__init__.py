"""The economy's data model, one module per part (see docs/adr/0015)."""

from .budget import Budget, BudgetAmount, BudgetIndex, BudgetItem
from .closing import ActionFollowUp, ActionMeasure, ActionPlan, FundMovement, YearEndClosing
from .followup import EarlyWarning, ForecastEntry
from .ledger import LedgerImport, MonthlyActual, Transaction, TransactionBlock, Voucher
from .setup import AccountLineRule, LedgerObject, LedgerSettings, ResultUnit

__all__ = [
    "AccountLineRule",
    "ActionFollowUp",
    "ActionMeasure",
    "ActionPlan",
    "Budget",
    "BudgetAmount",
    "BudgetIndex",
    "BudgetItem",
    "EarlyWarning",
    "ForecastEntry",
    "FundMovement",
    "LedgerImport",
    "LedgerObject",
    "LedgerSettings",
    "MonthlyActual",
    "ResultUnit",
    "Transaction",
    "TransactionBlock",
    "Voucher",
    "YearEndClosing",
]
