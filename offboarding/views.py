"""Pages of the offboarding workflow. Thin: find the case the user may see (another
owner's case is a 404), parse the form, call the service, redirect or re-render."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Account

from . import services
from .bundle import bundle_file, bundle_filename
from .forms import (
    AssessmentForm,
    ChecklistItemForm,
    CloseForm,
    CommentForm,
    DecisionForm,
    LetterForm,
    ReflectionForm,
    StartCaseForm,
    TaskForm,
    TransitionNotesForm,
)
from .letter import current_letter, draft_letter
from .models import Case, FollowUpTask
from .page_context import case_context
from .reflections import summarise


def _case(request: HttpRequest, pk: int) -> Case:
    return get_object_or_404(
        Case.objects.visible_to(request.user).select_related("account__owner"), pk=pk
    )


def _page(request: HttpRequest, case: Case, status: int = 200, **bound: forms.Form) -> HttpResponse:
    return render(
        request, "offboarding/case.html", case_context(case, request.user, **bound), status=status
    )


def _attempt(request: HttpRequest, case: Case, action: Callable[[], object], done: str):
    """Run a service; its guard errors become messages on the case page."""
    try:
        action()
    except ValidationError as exc:
        problems = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        for name, errors in problems.items():
            label = name.replace("_", " ").capitalize() + ": " if name else ""
            for error in errors:
                messages.error(request, f"{label}{error}")
        return redirect(case)
    messages.success(request, done)
    return redirect(case)


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    cases = Case.objects.visible_to(request.user).select_related("account", "opened_by")
    return render(request, "offboarding/list.html", {"cases": cases})


@login_required
def start(request: HttpRequest, external_id: str) -> HttpResponse:
    account = get_object_or_404(Account.objects.visible_to(request.user), external_id=external_id)
    already = Case.objects.open().filter(account=account).first()
    if already is not None:
        messages.info(request, "This account already has an open offboarding case.")
        return redirect(already)
    form = StartCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.start_case(
                account=account, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error(None, error)
        else:
            messages.success(request, "Offboarding case opened. Start with the assessment.")
            return redirect(case)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "offboarding/start.html", {"account": account, "form": form}, status=status
    )


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _case(request, pk))


@login_required
@require_POST
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = AssessmentForm(request.POST, instance=Case.objects.get(pk=case.pk))
    if not form.is_valid():
        return _page(request, case, 400, assessment_form=form)
    changes = {name: form.cleaned_data[name] for name in form.fields}
    return _attempt(
        request,
        case,
        lambda: services.save_assessment(case=case, by=request.user, changes=changes),
        "Assessment saved.",
    )


@login_required
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _page(request, case, 400, comment_form=form)
    return _attempt(
        request,
        case,
        lambda: services.add_comment(case=case, by=request.user, text=form.cleaned_data["text"]),
        "Comment added.",
    )


@login_required
@require_POST
def request_decision(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    return _attempt(
        request,
        case,
        lambda: services.request_decision(case=case, by=request.user),
        "Decision requested: a manager will approve or reject.",
    )


@login_required
@require_POST
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _page(request, case, 400, decision_form=form)
    data = form.cleaned_data
    return _attempt(
        request,
        case,
        lambda: services.decide(
            case=case, by=request.user, outcome=data["outcome"], reason=data["reason"]
        ),
        "Decision recorded.",
    )


@login_required
@require_POST
def checklist_item(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    case = _case(request, pk)
    form = ChecklistItemForm(request.POST, account=case.account, prefix=key)
    if not form.is_valid():
        for name, errors in form.errors.items():
            messages.error(request, f"{name}: {' '.join(errors)}")
        return redirect(case)
    return _attempt(
        request,
        case,
        lambda: services.update_checklist_item(
            case=case, key=key, by=request.user, **form.cleaned_data
        ),
        "Plan item saved.",
    )


@login_required
@require_POST
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = TaskForm(request.POST, account=case.account)
    if not form.is_valid():
        return _page(request, case, 400, task_form=form)
    return _attempt(
        request,
        case,
        lambda: services.add_task(case=case, by=request.user, **form.cleaned_data),
        "Follow-up task added.",
    )


@login_required
@require_POST
def task_done(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    case = _case(request, pk)
    task = get_object_or_404(FollowUpTask, case=case, pk=task_id)
    done = request.POST.get("done") == "1"
    return _attempt(
        request,
        case,
        lambda: services.update_task(task=task, by=request.user, done=done),
        "Task updated.",
    )


@login_required
@require_POST
def transition_notes(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = TransitionNotesForm(request.POST)
    if not form.is_valid():
        return _page(request, case, 400, transition_form=form)
    return _attempt(
        request,
        case,
        lambda: services.save_transition_notes(case=case, by=request.user, **form.cleaned_data),
        "Referrals and resources saved.",
    )


@login_required
@require_POST
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = LetterForm(request.POST)
    if not form.is_valid():
        return _page(request, case, 400, letter_form=form)
    return _attempt(
        request,
        case,
        lambda: services.save_letter(case=case, by=request.user, body=form.cleaned_data["body"]),
        "Letter saved as a new version.",
    )


@login_required
@require_GET
def letter_print(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    version = current_letter(case)
    body = version.body if version else draft_letter(case)
    return render(
        request, "offboarding/letter_print.html", {"case": case, "version": version, "body": body}
    )


@login_required
@require_POST
def advance(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    return _attempt(
        request, case, lambda: services.advance(case=case, by=request.user), "Moved on."
    )


@login_required
@require_POST
def reflection(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = ReflectionForm(request.POST)
    if not form.is_valid():
        return _page(request, case, 400, reflection_form=form)
    return _attempt(
        request,
        case,
        lambda: services.save_reflection(case=case, by=request.user, answers=form.answers()),
        "Reflection saved.",
    )


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _page(request, case, 400, close_form=form)
    return _attempt(
        request,
        case,
        lambda: services.close_case(case=case, by=request.user, note=form.cleaned_data["note"]),
        "Case closed. The account is offboarded and its alerts are resolved.",
    )


@login_required
@require_GET
def bundle(request: HttpRequest, pk: int) -> FileResponse:
    case = _case(request, pk)
    services.record_bundle_download(case=case, by=request.user)
    return FileResponse(
        bundle_file(case.account),
        as_attachment=True,
        filename=bundle_filename(case.account),
        content_type="application/zip",
    )


@login_required
@require_GET
def reflections(request: HttpRequest) -> HttpResponse:
    summary = summarise(Case.objects.visible_to(request.user))
    return render(request, "offboarding/reflections.html", {"summary": summary})
