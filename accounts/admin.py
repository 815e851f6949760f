from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from . import audit
from .models import Account, AuditEntry, Contact, Contract, Interaction, SeededBehaviour
from .services import account_rules, accounts_changed, analyse, find_duplicate


class ScoredRecordAdmin(admin.ModelAdmin):
    """Edits made here reach the scores as the API's do: every account a change touches
    is marked for recompute once the change commits (``accounts_changed``)."""

    def save_model(self, request, obj, form, change):
        # The account it belonged to (the form's initial value; none when added): an
        # edit may move it to another, and both are rescored.
        before = form.initial.get("account")
        super().save_model(request, obj, form, change)
        accounts_changed(account_ids={obj.account_id, before} - {None})

    def delete_model(self, request, obj):
        account_id = obj.account_id
        super().delete_model(request, obj)
        accounts_changed(account_ids=[account_id])

    def delete_queryset(self, request, queryset):
        account_ids = set(queryset.values_list("account_id", flat=True))
        super().delete_queryset(request, queryset)
        accounts_changed(account_ids=account_ids)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class ContractInline(admin.TabularInline):
    model = Contract
    extra = 0


class AccountAdminForm(forms.ModelForm):
    """The admin's account form, held to the rules the API's writes follow
    (``services.account_rules``): the offboarding statuses belong to the workflow, a
    churned account needs its churn date, and so on."""

    #: Who is editing (set per request by ``AccountAdmin.get_form``).
    editor = None

    class Meta:
        model = Account
        fields = "__all__"  # noqa: DJ007 - ModelAdmin.get_form passes the fields it shows

    def clean(self):
        data = super().clean()
        # The instance still holds the stored values: the form copies its data onto it
        # only after clean().
        stored = self.instance if self.instance.pk else None
        fields = ("owner", "status", "started_at", "churned_at")
        values = {name: data[name] for name in fields if name in data}
        try:
            account_rules(account=stored, by=self.editor, values=values)
        except ValidationError as refused:
            for name, messages in refused.message_dict.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return data


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    form = AccountAdminForm
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"editor": request.user})

    def save_related(self, request, form, formsets, change):
        # Its contacts and contracts (the inlines) and its status and value feed the
        # scores: recompute it, as the API's writes do.
        super().save_related(request, form, formsets, change)
        accounts_changed(account_ids=[form.instance.pk])

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
class ContactAdmin(ScoredRecordAdmin):
    list_display = ("name", "email", "role", "account")
    search_fields = ("name", "email", "account__external_id", "account__name")
    list_filter = ("role",)
    raw_id_fields = ("account",)


@admin.register(Contract)
class ContractAdmin(ScoredRecordAdmin):
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


class InteractionAdminForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = "__all__"  # noqa: DJ007 - ModelAdmin.get_form passes the fields it shows

    def clean(self):
        """Refuse an interaction the record already holds (its identity, as the API
        and the import match it), naming what collides, instead of failing on the
        database's constraint: the identity includes a hash of the text that the form
        does not carry."""
        data = super().clean()
        if self.errors or not data.get("account"):
            return data
        duplicate = find_duplicate(
            account=data["account"],
            occurred_at=data.get("occurred_at"),
            direction=data.get("direction"),
            kind=data.get("kind"),
            text=data.get("text") or "",
            external_id=data.get("external_id") or "",
        )
        if duplicate is not None and duplicate.pk != self.instance.pk:
            found = f"Interaction {duplicate.pk} already records this"
            if data.get("external_id"):
                self.add_error("external_id", found)
            else:
                self.add_error(None, f"{found}: same account, time, direction, kind and text.")
        return data


@admin.register(Interaction)
class InteractionAdmin(ScoredRecordAdmin):
    form = InteractionAdminForm
    list_display = ("occurred_at", "account", "direction", "kind", "channel", "tone", "nps", "csat")
    list_filter = ("direction", "kind", "channel")
    search_fields = ("account__external_id", "account__name", "text", "external_id")
    date_hierarchy = "occurred_at"
    raw_id_fields = ("account", "contact", "responds_to")
    readonly_fields = ("text_hash", "tone", "cue_flags", "analysis_version", "created_at")
    list_select_related = ("account",)

    def save_model(self, request, obj, form, change):
        # What the scores read is derived from the text: derive it again when the text
        # or the side that wrote it changes.
        if not change or {"text", "direction"} & set(form.changed_data):
            analyse(obj)
        super().save_model(request, obj, form, change)


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
