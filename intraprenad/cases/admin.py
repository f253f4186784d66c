"""The register in the admin is read-only: it is written through services only, and nothing is deleted."""

from django.contrib import admin

from .models import Case, Document, Meeting, Motion, Paragraph, Referral


class RegisterAdmin(admin.ModelAdmin):
    """Look, never touch: rows are added by services (with audit) and never changed or deleted here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(RegisterAdmin):
    list_display = ["case_number", "title", "kind", "org_unit", "status", "is_confidential", "registered_at"]
    list_filter = ["status", "kind", "year", "series", "is_confidential"]
    search_fields = ["title", "public_title", "series"]
    list_select_related = ["org_unit"]


@admin.register(Document)
class DocumentAdmin(RegisterAdmin):
    list_display = ["case", "serial", "document_date", "direction", "kind", "description", "is_confidential"]
    list_filter = ["direction", "kind", "is_confidential"]
    search_fields = ["description", "public_description", "counterpart"]
    list_select_related = ["case"]


@admin.register(Meeting)
class MeetingAdmin(RegisterAdmin):
    list_display = ["body", "date", "status", "minutes_approved_at"]
    list_filter = ["status", "body"]
    list_select_related = ["body"]


@admin.register(Paragraph)
class ParagraphAdmin(RegisterAdmin):
    list_display = ["reference", "title", "outcome", "meeting"]
    list_filter = ["body", "year", "outcome"]
    search_fields = ["title", "decision_text"]
    list_select_related = ["body", "case", "meeting__body"]


@admin.register(Motion)
class MotionAdmin(RegisterAdmin):
    list_display = ["case", "movers", "filed_on"]
    search_fields = ["movers", "text"]
    list_select_related = ["case"]


@admin.register(Referral)
class ReferralAdmin(RegisterAdmin):
    list_display = ["case", "to_body", "referred_by", "status", "due_on"]
    list_filter = ["status", "to_body"]
    list_select_related = ["case", "to_body", "referred_by__body", "referred_by__case"]
