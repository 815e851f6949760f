from django.contrib import admin

from accounts import audit

from .models import (
    AccountHealth,
    Alert,
    AlertEvent,
    ChurnModelState,
    ClvModelState,
    HealthSnapshot,
    HealthWeights,
    Notification,
    NotificationPreference,
    ScoringChunk,
    ScoringRun,
    ThresholdRule,
)
from .thresholds import RULE_FIELDS, delete_rule, record_weights_change, weights_values


@admin.register(HealthWeights)
class HealthWeightsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "customer_side", "vendor_side", "nps", "csat", "churn_probability")
    readonly_fields = ("updated_at", "updated_by")

    def has_add_permission(self, request):
        return not HealthWeights.objects.exists()

    def save_model(self, request, obj, form, change):
        # The form has already applied the edit to ``obj``: read the old values back.
        stored = HealthWeights.objects.filter(pk=obj.pk).first() if obj.pk else None
        before = weights_values(stored) if stored else {}
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        record_weights_change(weights=obj, by=request.user, before=before)


@admin.register(HealthSnapshot)
class HealthSnapshotAdmin(admin.ModelAdmin):
    list_display = ("account", "computed_at", "health", "band", "customer_side", "vendor_side")
    list_filter = ("band",)
    search_fields = ("account__external_id", "account__name")
    date_hierarchy = "computed_at"
    raw_id_fields = ("account", "supersedes")

    def has_change_permission(self, request, obj=None):
        return False  # history is append-only


@admin.register(AccountHealth)
class AccountHealthAdmin(admin.ModelAdmin):
    list_display = ("account", "health", "band", "customer_side", "vendor_side", "computed_at")
    list_filter = ("band", "top_customer_issue", "top_vendor_issue")
    search_fields = ("account__external_id", "account__name")
    raw_id_fields = ("account", "snapshot")


@admin.register(ChurnModelState)
class ChurnModelStateAdmin(admin.ModelAdmin):
    list_display = ("fitted_at", "kind", "n_train", "n_positive", "auc_cv")

    def has_change_permission(self, request, obj=None):
        # A fit's output, replaced by the next fit (and cached by stamp in workers:
        # signals.config), never edited by hand.
        return False


@admin.register(ClvModelState)
class ClvModelStateAdmin(admin.ModelAdmin):
    list_display = ("fitted_at", "n_customers", "note")
    readonly_fields = ("fitted_at", "n_customers", "parameters", "note")


@admin.register(ThresholdRule)
class ThresholdRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "measure", "operator", "value", "severity", "segment", "enabled")
    list_filter = ("severity", "enabled", "measure")
    search_fields = ("name", "measure")
    readonly_fields = ("created_by",)

    # Every admin change lands in the audit trail, as through the API.
    def save_model(self, request, obj, form, change):
        stored = ThresholdRule.objects.filter(pk=obj.pk).first() if change else None
        before = audit.values_of(stored, RULE_FIELDS) if stored else {}
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        audit.record(
            by=request.user,
            action="threshold.updated" if change else "threshold.created",
            target=obj,
            changes=audit.changes_between(before, audit.values_of(obj, RULE_FIELDS)),
        )

    def delete_model(self, request, obj):
        delete_rule(rule=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            delete_rule(rule=rule, by=request.user)


class AlertEventInline(admin.TabularInline):
    model = AlertEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "by", "from_status", "to_status", "note")


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("id", "account", "rule", "severity", "status", "opened_at", "assignee")
    list_filter = ("status", "severity", "root_cause")
    search_fields = ("account__external_id", "account__name", "rule__name")
    raw_id_fields = ("account", "rule", "snapshot", "assignee")
    inlines = [AlertEventInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("kind", "recipient", "subject", "created_at", "sent_at", "attempts")
    list_filter = ("kind",)
    search_fields = ("subject", "recipient__username")


class ScoringChunkInline(admin.TabularInline):
    model = ScoringChunk
    extra = 0
    readonly_fields = ("index", "done_at", "changed")
    exclude = ("account_ids",)


@admin.register(ScoringRun)
class ScoringRunAdmin(admin.ModelAdmin):
    list_display = ("period_key", "status", "started_at", "finished_at", "processed_accounts")
    list_filter = ("status", "trigger")
    inlines = [ScoringChunkInline]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "daily_digest")
    list_filter = ("daily_digest",)
    search_fields = ("user__username",)
