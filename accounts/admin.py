from django.contrib import admin

from . import audit
from .models import Account, AuditEntry, Contact, Contract, Interaction, SeededBehaviour


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class ContractInline(admin.TabularInline):
    model = Contract
    extra = 0


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = (
        "external_id",
        "name",
        "segment",
        "owner",
        "status",
        "annual_value",
        "started_at",
    )
    list_filter = ("status", "segment", "owner")
    search_fields = ("external_id", "name", "owner__username")
    date_hierarchy = "started_at"
    inlines = [ContactInline, ContractInline]
    readonly_fields = ("scores_dirty_since", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        # Reassigning an account here is audited like through the services.
        stored = Account.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        if stored is not None:
            audit.record(
                by=request.user,
                action="account.owner_changed",
                target=obj,
                changes=audit.changes_between(
                    audit.values_of(stored, ["owner"]), audit.values_of(obj, ["owner"])
                ),
            )


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "role", "account")
    search_fields = ("name", "email", "account__external_id", "account__name")
    list_filter = ("role",)
    raw_id_fields = ("account",)


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = (
        "account",
        "start",
        "end",
        "auto_renew",
        "renewals_so_far",
        "early_termination_fee",
        "notice_days",
    )
    list_filter = ("auto_renew",)
    search_fields = ("account__external_id", "account__name")
    raw_id_fields = ("account",)


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "account", "direction", "kind", "channel", "tone", "nps", "csat")
    list_filter = ("direction", "kind", "channel")
    search_fields = ("account__external_id", "account__name", "text", "external_id")
    date_hierarchy = "occurred_at"
    raw_id_fields = ("account", "contact", "responds_to")
    readonly_fields = ("text_hash", "tone", "cue_flags", "analysis_version", "created_at")
    list_select_related = ("account",)


@admin.register(SeededBehaviour)
class SeededBehaviourAdmin(admin.ModelAdmin):
    list_display = ("account", "key")
    list_filter = ("key",)
    search_fields = ("account__external_id",)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail, for admins: read-only, append-only (no add, change or delete)."""

    list_display = ("at", "actor", "action", "target_label", "changes", "note")
    list_filter = ("action", "target_type")
    search_fields = ("actor", "target_label", "target_id", "note")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
