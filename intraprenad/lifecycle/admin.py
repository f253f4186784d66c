"""The lifecycle in the admin, for reference only: every change goes through `lifecycle.services`
(which check permissions and write the audit log), so nothing here can be added, changed or deleted."""

from django.contrib import admin

from .models import (
    Agreement,
    AgreementClause,
    Application,
    ApplicationSection,
    BudgetLine,
    InterestNotice,
    Intraprenad,
    Memo,
    Termination,
    TrainingProgramme,
    TrainingSession,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TrainingSessionInline(ReadOnlyInline):
    model = TrainingSession


class ApplicationSectionInline(ReadOnlyInline):
    model = ApplicationSection


class BudgetLineInline(ReadOnlyInline):
    model = BudgetLine


class AgreementClauseInline(ReadOnlyInline):
    model = AgreementClause


@admin.register(Intraprenad)
class IntraprenadAdmin(ReadOnlyAdmin):
    list_display = ("name", "unit", "board", "service_type", "status", "origin")
    list_filter = ("status", "origin", "board")
    search_fields = ("name", "unit__name")


@admin.register(InterestNotice)
class InterestNoticeAdmin(ReadOnlyAdmin):
    list_display = ("intraprenad", "received_on", "contact_name", "staff_count")


@admin.register(TrainingProgramme)
class TrainingProgrammeAdmin(ReadOnlyAdmin):
    list_display = ("intraprenad", "revision", "presentation_on", "completed_at")
    inlines = [TrainingSessionInline]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("intraprenad", "status", "case", "staff_total", "staff_in_favour", "submitted_at")
    list_filter = ("status",)
    inlines = [ApplicationSectionInline, BudgetLineInline]


@admin.register(Memo)
class MemoAdmin(ReadOnlyAdmin):
    list_display = ("title", "case", "proposal", "drawn_up_on", "author")


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ("intraprenad", "status", "period_start", "period_end", "case", "signed_on")
    list_filter = ("status",)
    inlines = [AgreementClauseInline]


@admin.register(Termination)
class TerminationAdmin(ReadOnlyAdmin):
    list_display = ("intraprenad", "ground", "status", "effective_on", "case")
    list_filter = ("status", "ground")
