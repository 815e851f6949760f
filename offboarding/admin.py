"""Admin for the offboarding record. Cases and their history are read here, changed
through the workflow: events and letter versions are append-only, so read-only."""

from django.contrib import admin

from .models import (
    Case,
    CaseEvent,
    ChecklistItem,
    Comment,
    FollowUpTask,
    LetterVersion,
    ReflectionEntry,
)


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class EventInline(_ReadOnlyInline):
    model = CaseEvent
    fields = ["at", "by", "action", "from_status", "to_status", "note"]


class ChecklistInline(_ReadOnlyInline):
    model = ChecklistItem
    fields = ["key", "owner", "due_on", "done_at", "done_by", "note"]


class TaskInline(_ReadOnlyInline):
    model = FollowUpTask
    fields = ["title", "due_on", "owner", "done_at"]


class CommentInline(_ReadOnlyInline):
    model = Comment
    fields = ["at", "author", "text"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["id", "account", "status", "outcome", "opened_by", "opened_at", "closed_at"]
    list_filter = ["status", "outcome"]
    search_fields = ["account__external_id", "account__name"]
    date_hierarchy = "opened_at"
    list_select_related = ["account", "opened_by"]
    inlines = [ChecklistInline, TaskInline, CommentInline, EventInline]
    readonly_fields = [
        "account",
        "status",
        "outcome",
        "opened_by",
        "opened_at",
        "frozen_health",
        "assessment_snapshot",
        "decided_by",
        "decided_at",
        "closed_by",
        "closed_at",
    ]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a case is the record of a decision


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ["case", "at", "by", "action", "from_status", "to_status"]
    list_filter = ["action"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LetterVersion)
class LetterVersionAdmin(CaseEventAdmin):
    list_display = ["case", "number", "created_by", "created_at"]
    list_filter = []


@admin.register(ReflectionEntry)
class ReflectionEntryAdmin(admin.ModelAdmin):
    list_display = ["case", "question", "rating", "answered_by", "answered_at"]
    list_filter = ["question", "rating"]
