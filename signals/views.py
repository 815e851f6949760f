"""Pages about judgement: alert triage, root causes, threshold and weight settings,
scoring runs. State changes go through ``signals.alerts`` (compare-and-set + events);
these views parse forms, call those services and report the outcome."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.charts import figure_json
from accounts.charts import root_causes as root_causes_chart
from accounts.models import Account
from accounts.roles import is_admin, is_manager, sees_all_accounts
from crm_health.cache import cached, data_key
from crm_health.pagination import ORDER_SECONDS, IdPaginator

from . import alerts as alert_actions
from . import thresholds
from .forms import (
    AcknowledgeForm,
    AlertFilterForm,
    AssignForm,
    BulkAlertForm,
    HealthWeightsForm,
    PreviewDaysForm,
    ResolveForm,
    SnoozeForm,
    ThresholdRuleForm,
    measure_label,
)
from .models import (
    OPEN_ALERT_STATUSES,
    Alert,
    AlertStatus,
    HealthWeights,
    RootCause,
    ScoringRun,
    Severity,
    ThresholdRule,
)

log = logging.getLogger(__name__)
PAGE_SIZE = 50
View = Callable[..., HttpResponse]


def _role_required(check: Callable, what: str) -> Callable[[View], View]:
    """Logged-in users without the role get 403 (anonymous ones go to the login page)."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied(f"Only {what} can open this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


admin_required = _role_required(is_admin, "admins")
manager_required = _role_required(is_manager, "managers and admins")


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- alerts ----------------------------------------------------------------------------


SEVERITY_ORDER = Case(
    When(severity=Severity.CRITICAL, then=Value(0)),
    When(severity=Severity.WARNING, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def inbox(user, filters: dict) -> QuerySet[Alert]:
    """The triage inbox: most severe first, then the most value at risk, oldest first."""
    qs = Alert.objects.visible_to(user).select_related(
        "account", "account__owner", "rule", "assignee"
    )
    status = filters.get("status") or "unresolved"
    if status == "unresolved":
        qs = qs.filter(status__in=OPEN_ALERT_STATUSES)
    elif status == "all_unresolved":
        qs = qs.exclude(status=AlertStatus.RESOLVED)
    elif status != "all":
        qs = qs.filter(status=status)
    if filters.get("severity"):
        qs = qs.filter(severity=filters["severity"])
    assignee = filters.get("assignee")
    if assignee == "me":
        qs = qs.filter(assignee=user)
    elif assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif assignee:
        qs = qs.filter(assignee_id=assignee)
    if filters.get("owner"):
        qs = qs.filter(account__owner=filters["owner"])
    if filters.get("measure"):
        qs = qs.filter(measure=filters["measure"])
    return qs.annotate(severity_rank=SEVERITY_ORDER).order_by(
        "severity_rank", "-value_at_risk", "opened_at", "pk"
    )


def _inbox_key(user, filters: dict) -> str:
    """The cache key of one user's inbox under ``filters`` at the current data."""
    return data_key(
        "alert-inbox",
        version=alert_actions.inbox_version(),
        scope=f"{user.pk}|{sees_all_accounts(user)}",
        filters=filters,
    )


@login_required
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    form = AlertFilterForm(request.GET or None, show_owner=is_manager(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    alerts = inbox(request.user, filters)
    # Which ids each page holds, and how many match, are kept until an alert, an event
    # or an account changes (alert_actions.inbox_version): sorting and counting every
    # unresolved alert was most of a request at 10,000 accounts.
    key = _inbox_key(request.user, filters)
    count = cached(f"{key}:count", alerts.count, ORDER_SECONDS)
    paginator = IdPaginator(alerts, PAGE_SIZE, count=count, order_key=key)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "bulk": BulkAlertForm(alert_ids=[], auto_id="bulk-%s"),
        "next": request.get_full_path(),
    }
    if _is_htmx(request) and request.headers.get("HX-Target") == "inbox":
        return render(request, "signals/_inbox.jinja", context)
    return render(request, "signals/alert_list.html", context)


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def alert_bulk(request: HttpRequest) -> HttpResponse:
    ids = list(
        Alert.objects.visible_to(request.user)
        .filter(pk__in=[v for v in request.POST.getlist("alerts") if v.isdigit()])
        .values_list("pk", flat=True)
    )
    form = BulkAlertForm(request.POST, alert_ids=ids)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(
                    request,
                    "Nothing changed: select at least one alert."
                    if error == form.fields["alerts"].error_messages["required"]
                    else error,
                )
        return _back(request, reverse("alert-list"))
    action = form.cleaned_data["action"]
    done, skipped = 0, []
    for alert in Alert.objects.filter(pk__in=form.cleaned_data["alerts"]).select_related("rule"):
        try:
            if action == "acknowledge":
                alert_actions.acknowledge_alert(alert=alert, by=request.user)
            else:
                alert_actions.assign_alert(
                    alert=alert, by=request.user, assignee=form.cleaned_data["assignee"]
                )
            done += 1
        except (alert_actions.AlertConflict, alert_actions.AlertTransitionError) as exc:
            skipped.append(f"#{alert.pk}: {exc}")
        except ValidationError as exc:
            skipped.append(f"#{alert.pk}: {' '.join(exc.messages)}")
    verb = "acknowledged" if action == "acknowledge" else "assigned"
    if done:
        messages.success(request, f"{done} alert{'s' if done != 1 else ''} {verb}.")
    for note in skipped:
        messages.warning(request, f"Skipped {note}")
    return _back(request, reverse("alert-list"))


def _visible_alert(request: HttpRequest, pk: int) -> Alert:
    return get_object_or_404(
        Alert.objects.visible_to(request.user).select_related("account", "rule", "assignee"), pk=pk
    )


def _detail_context(alert: Alert, **forms: Form) -> dict:
    context = {
        "alert": alert,
        "measure_label": measure_label(alert.measure),
        "events": alert.events.select_related("by").order_by("at", "pk"),
        "recommendations": alert.recommendations or [],
        "resolved": alert.status == AlertStatus.RESOLVED,
        "ack_form": AcknowledgeForm(),
        "snooze_form": SnoozeForm(),
        "resolve_form": ResolveForm(),
        "assign_form": AssignForm(initial={"assignee": alert.assignee_id}),
    }
    context.update(forms)
    return context


@login_required
@require_GET
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _visible_alert(request, pk)
    return render(request, "signals/alert_detail.html", _detail_context(alert))


ACTIONS: dict[str, tuple[type[Form], str, str]] = {
    # action: (form, form's context name, success message)
    "acknowledge": (AcknowledgeForm, "ack_form", "Alert acknowledged."),
    "snooze": (SnoozeForm, "snooze_form", "Alert snoozed."),
    "resolve": (ResolveForm, "resolve_form", "Alert resolved. Thank you for recording why."),
    "assign": (AssignForm, "assign_form", "Assignee updated."),
}


@login_required
@require_POST
def alert_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise PermissionDenied("Unknown action.")
    alert = _visible_alert(request, pk)
    form_class, name, success = ACTIONS[action]
    form = form_class(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            _apply(action, alert, request.user, data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except (alert_actions.AlertConflict, alert_actions.AlertTransitionError) as exc:
            messages.error(request, str(exc))
            return redirect("alert-detail", pk=alert.pk)
        else:
            messages.success(request, success)
            return redirect("alert-detail", pk=alert.pk)
    return render(
        request, "signals/alert_detail.html", _detail_context(alert, **{name: form}), status=400
    )


def _apply(action: str, alert: Alert, user, data: dict) -> None:
    note = data.get("note") or ""
    if action == "acknowledge":
        alert_actions.acknowledge_alert(alert=alert, by=user, note=note)
    elif action == "snooze":
        alert_actions.snooze_alert(alert=alert, by=user, until=data["until"], note=note)
    elif action == "resolve":
        alert_actions.resolve_alert(
            alert=alert,
            by=user,
            root_cause=data["root_cause"],
            action_taken=data["action_taken"],
            note=note,
        )
    else:
        alert_actions.assign_alert(alert=alert, by=user, assignee=data["assignee"], note=note)


@login_required
@require_GET
def root_causes(request: HttpRequest) -> HttpResponse:
    resolved = (
        Alert.objects.visible_to(request.user)
        .filter(status=AlertStatus.RESOLVED)
        .exclude(root_cause="")
    )
    by_cause = {
        row["root_cause"]: row["n"]
        for row in resolved.order_by().values("root_cause").annotate(n=Count("pk"))
    }
    by_measure: dict[str, list[tuple[str, int]]] = {}
    for row in (
        resolved.order_by()
        .values("root_cause", "measure")
        .annotate(n=Count("pk"))
        .order_by("root_cause", "-n", "measure")
    ):
        by_measure.setdefault(row["root_cause"], []).append(
            (measure_label(row["measure"]), row["n"])
        )
    total = sum(by_cause.values())
    rows = [
        {
            "key": cause.value,
            "label": cause.label,
            "count": by_cause.get(cause.value, 0),
            "share": by_cause.get(cause.value, 0) / total if total else 0.0,
            "measures": by_measure.get(cause.value, [])[:3],
        }
        for cause in RootCause
    ]
    rows.sort(key=lambda r: (-r["count"], r["label"]))
    chart = (
        figure_json(root_causes_chart([(r["label"], r["count"]) for r in rows if r["count"]]))
        if total
        else None
    )
    return render(
        request, "signals/root_causes.html", {"rows": rows, "total": total, "chart": chart}
    )


# --- settings: thresholds --------------------------------------------------------------


@admin_required
@require_GET
def threshold_list(request: HttpRequest) -> HttpResponse:
    rules = ThresholdRule.objects.annotate(
        open_alerts=Count("alerts", filter=~Q(alerts__status=AlertStatus.RESOLVED))
    ).order_by("-enabled", "name")
    return render(
        request,
        "signals/threshold_list.html",
        {"rules": [(r, measure_label(r.measure)) for r in rules]},
    )


@admin_required
@require_http_methods(["GET", "POST"])
def threshold_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    rule = get_object_or_404(ThresholdRule, pk=pk) if pk else None
    form = ThresholdRuleForm(request.POST or None, instance=rule)
    days = PreviewDaysForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Through the audited services, like the API and the admin.
        values = {f: form.cleaned_data[f] for f in thresholds.RULE_FIELDS if f in form.cleaned_data}
        with transaction.atomic():
            if rule is None:
                saved = thresholds.create_rule(by=request.user, **values)
            else:
                # A fresh copy: validating the form already wrote into ``rule``, and
                # the audit needs the values from before the edit.
                stored = ThresholdRule.objects.get(pk=rule.pk)
                saved = thresholds.update_rule(rule=stored, by=request.user, **values)
            _evaluate_rule_after_commit(saved.pk)
        verb = "created" if rule is None else "saved"
        messages.success(
            request, f"Rule “{saved.name}” {verb}. It is being checked against every account."
        )
        return redirect("threshold-list")
    return render(
        request,
        "signals/threshold_form.html",
        {"form": form, "rule": rule, "days_form": days},
        status=400 if request.method == "POST" else 200,
    )


@admin_required
@require_POST
def threshold_preview(request: HttpRequest) -> HttpResponse:
    """What the rule being edited would do, before saving (htmx partial)."""
    form = ThresholdRuleForm(request.POST)
    days_form = PreviewDaysForm(request.POST)
    days = (days_form.cleaned_data.get("days") if days_form.is_valid() else None) or 30
    context: dict = {"days": days, "form": form}
    # The preview needs a valid condition; a missing name does not matter yet.
    condition_errors = (
        {k: v for k, v in form.errors.items() if k != "name"} if not form.is_valid() else {}
    )
    if not condition_errors and days_form.is_valid():
        data = form.cleaned_data
        preview = thresholds.preview_rule(
            measure=data["measure"],
            operator=data["operator"],
            value=data["value"],
            segment=data.get("segment") or "",
            days=days,
        )
        context["preview"] = preview
        context["sample"] = (
            Account.objects.filter(external_id__in=preview.matching_now[:12])
            .only("external_id", "name")
            .order_by("name")
        )
    else:
        context["condition_errors"] = condition_errors or days_form.errors
    return render(request, "signals/_threshold_preview.html", context)


@admin_required
@require_POST
def threshold_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(ThresholdRule, pk=pk)
    with transaction.atomic():
        thresholds.update_rule(rule=rule, by=request.user, enabled=not rule.enabled)
        _evaluate_rule_after_commit(rule.pk)  # a disabled rule's alerts resolve
    state = "enabled" if rule.enabled else "disabled"
    messages.success(request, f"Rule “{rule.name}” {state}.")
    return redirect("threshold-list")


def _evaluate_rule_after_commit(rule_id: int) -> None:
    """As the API does: evaluate a saved rule everywhere in the background, so its
    alerts appear without waiting for the next recompute."""
    from .tasks import evaluate_rule_task

    def publish() -> None:
        try:
            evaluate_rule_task.delay(rule_id)
        except Exception:
            log.exception("could not queue the evaluation of rule %s", rule_id)

    transaction.on_commit(publish)


# --- settings: weights -----------------------------------------------------------------


@admin_required
@require_http_methods(["GET", "POST"])
def weights_edit(request: HttpRequest) -> HttpResponse:
    weights = HealthWeights.current()
    before = thresholds.weights_values(weights)  # the form writes into the instance
    form = HealthWeightsForm(request.POST or None, instance=weights)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save(commit=False)
            saved.updated_by = request.user
            saved.save()
            thresholds.record_weights_change(weights=saved, by=request.user, before=before)
        messages.success(
            request, "Weights saved. Scores use them from the next recompute (see Scoring runs)."
        )
        return redirect("weights-edit")
    return render(
        request,
        "signals/weights.html",
        {"form": form, "weights": weights},
        status=400 if request.method == "POST" else 200,
    )


# --- scoring runs ----------------------------------------------------------------------


@manager_required
@require_GET
def run_list(request: HttpRequest) -> HttpResponse:
    runs = list(ScoringRun.objects.order_by("-started_at")[:20])
    context = {
        "runs": runs,
        "running": any(r.status == ScoringRun.Status.RUNNING for r in runs),
    }
    if _is_htmx(request):
        return render(request, "signals/_runs.html", context)
    return render(request, "signals/run_list.html", context)


@admin_required
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    """Start a full recompute now (e.g. after changing the weights)."""
    from django.utils import timezone

    from .tasks import start_full_recompute_task

    key = f"manual:{timezone.now():%Y-%m-%dT%H:%M:%S}"
    try:
        start_full_recompute_task.delay(period_key=key, trigger="manual")
    except Exception:
        log.exception("could not start a full recompute")
        messages.error(
            request, "The recompute could not be started: the task queue is unreachable."
        )
    else:
        messages.success(request, "Full recompute started.")
    return redirect("run-list")
