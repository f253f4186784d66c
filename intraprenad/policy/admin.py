"""Guidelines in the admin are for looking up only: drafts are written through the audited services
(the guidelines pages and `import_guidelines`), and adopted revisions never change."""

from django.contrib import admin

from .models import GuidelineRevision, RequiredItem


class RequiredItemInline(admin.TabularInline):
    model = RequiredItem
    fields = ("kind", "order", "key", "title", "guidance")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(GuidelineRevision)
class GuidelineRevisionAdmin(admin.ModelAdmin):
    list_display = ("title", "board", "valid_from", "status", "adopted_by")
    list_filter = ("status", "board")
    search_fields = ("title",)
    readonly_fields = (
        "title",
        "board",
        "description",
        "status",
        "valid_from",
        "parameters",
        "based_on",
        "adopted_by",
        "adopted_at",
        "created_at",
        "created_by",
    )
    inlines = [RequiredItemInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
