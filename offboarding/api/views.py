"""``/api/offboarding/``: the case and one nested action per step. Thin: parse, call
the service, answer with the case (or the step's own shape). A case the user cannot
see is a 404; guard violations are 400s naming the field (see crm_health.api)."""

from __future__ import annotations

from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Account
from accounts.permissions import HasRole

from .. import services
from ..assessment import build_assessment
from ..bundle import bundle_file, bundle_filename
from ..letter import current_letter, draft_letter
from ..models import Case, FollowUpTask
from ..vocabulary import CaseStatus, ChecklistKey
from . import serializers as s

_case_response = {200: s.CaseSerializer}
_NESTED = ("checklist", "tasks", "comments", "events", "reflections")


def _valid(serializer_class, request: Request, *, partial: bool = False) -> dict:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class CaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [HasRole]
    # Any id reaches the view (and is a JSON 404 if it is not a visible case), rather
    # than falling through to the site's catch-all.
    lookup_value_regex = r"[^/]+"
    filterset_fields = ["status", "outcome"]
    ordering_fields = ["opened_at", "closed_at"]

    def get_queryset(self):
        cases = Case.objects.visible_to(self.request.user).select_related(
            "account", "opened_by", "decided_by", "closed_by"
        )
        # Step actions write and then read their rows: a prefetch would serve stale ones.
        return cases.prefetch_related(*_NESTED) if self.action == "retrieve" else cases

    def get_serializer_class(self):
        return s.CaseListSerializer if self.action == "list" else s.CaseSerializer

    def _done(self, case: Case, code: int = status.HTTP_200_OK) -> Response:
        fresh = Case.objects.prefetch_related(*_NESTED).get(pk=case.pk)
        return Response(s.CaseSerializer(fresh).data, status=code)

    @extend_schema(request=s.CaseCreateSerializer, responses={201: s.CaseSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        data = _valid(s.CaseCreateSerializer, request)
        account = Account.objects.visible_to(request.user).filter(external_id=data["account"])
        if not account.exists():
            # Same answer for "no such account" and "not yours": existence stays private.
            raise serializers.ValidationError({"account": ["No such account."]})
        case = services.start_case(
            account=account.get(), by=request.user, reason=data.get("reason", "")
        )
        return self._done(case, status.HTTP_201_CREATED)

    # --- assessment ------------------------------------------------------------------

    @extend_schema(methods=["GET"], responses={200: s.AssessmentViewSerializer}, request=None)
    @extend_schema(
        methods=["PATCH"],
        request=s.AssessmentSerializer,
        responses={200: s.AssessmentViewSerializer},
    )
    @action(detail=True, methods=["get", "patch"])
    def assessment(self, request: Request, pk=None) -> Response:
        case = self.get_object()
        if request.method == "PATCH":
            changes = _valid(s.AssessmentSerializer, request, partial=True)
            services.save_assessment(case=case, by=request.user, changes=changes)
        computed = (
            build_assessment(case, as_of=timezone.now())
            if case.status == CaseStatus.ASSESSMENT
            else case.assessment_snapshot
        )
        fields = s.AssessmentSerializer().fields
        return Response({**{name: getattr(case, name) for name in fields}, "computed": computed})

    @extend_schema(request=None, responses=_case_response)
    @action(detail=True, methods=["post"], url_path="request-decision")
    def request_decision(self, request: Request, pk=None) -> Response:
        case = services.request_decision(case=self.get_object(), by=request.user)
        return self._done(case)

    @extend_schema(methods=["GET"], request=None, responses={200: s.CommentSerializer(many=True)})
    @extend_schema(
        methods=["POST"], request=s.CommentSerializer, responses={201: s.CommentSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def comments(self, request: Request, pk=None) -> Response:
        case = self.get_object()
        if request.method == "GET":
            return Response(s.CommentSerializer(case.comments.all(), many=True).data)
        data = _valid(s.CommentSerializer, request)
        comment = services.add_comment(case=case, by=request.user, text=data["text"])
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    # --- decision and movement -------------------------------------------------------

    @extend_schema(request=s.DecisionSerializer, responses=_case_response)
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk=None) -> Response:
        case = self.get_object()
        data = _valid(s.DecisionSerializer, request)
        services.decide(case=case, by=request.user, outcome=data["outcome"], reason=data["reason"])
        return self._done(case)

    @extend_schema(request=None, responses=_case_response)
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk=None) -> Response:
        return self._done(services.advance(case=self.get_object(), by=request.user))

    @extend_schema(request=s.CloseSerializer, responses=_case_response)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        case = self.get_object()
        data = _valid(s.CloseSerializer, request)
        services.close_case(case=case, by=request.user, note=data.get("note", ""))
        return self._done(case)

    # --- communication plan ----------------------------------------------------------

    @extend_schema(
        request=s.ChecklistItemSerializer,
        responses=s.ChecklistItemSerializer,
        parameters=[OpenApiParameter("key", str, "path", enum=ChecklistKey.values)],
    )
    @action(detail=True, methods=["patch"], url_path=r"checklist/(?P<key>[^/]+)")
    def checklist_item(self, request: Request, pk=None, key: str = "") -> Response:
        case = self.get_object()
        if key not in ChecklistKey.values:
            raise NotFound(
                f"No plan item {key!r}; the items are: {', '.join(ChecklistKey.values)}."
            )
        data = _valid(s.ChecklistItemSerializer, request, partial=True)
        item = services.update_checklist_item(case=case, key=key, by=request.user, **data)
        return Response(s.ChecklistItemSerializer(item).data)

    # --- transition help -------------------------------------------------------------

    @extend_schema(request=s.TransitionNotesSerializer, responses=_case_response)
    @action(detail=True, methods=["patch"])
    def transition(self, request: Request, pk=None) -> Response:
        case = self.get_object()
        data = _valid(s.TransitionNotesSerializer, request, partial=True)
        services.save_transition_notes(
            case=case,
            by=request.user,
            referrals=data.get("referrals", case.referrals),
            resources=data.get("resources", case.resources),
        )
        return self._done(case)

    @extend_schema(
        methods=["GET"], request=None, responses={200: s.FollowUpTaskSerializer(many=True)}
    )
    @extend_schema(
        methods=["POST"],
        request=s.FollowUpTaskSerializer,
        responses={201: s.FollowUpTaskSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def tasks(self, request: Request, pk=None) -> Response:
        case = self.get_object()
        if request.method == "GET":
            return Response(s.FollowUpTaskSerializer(case.tasks.all(), many=True).data)
        data = _valid(s.FollowUpTaskSerializer, request)
        task = services.add_task(
            case=case,
            by=request.user,
            title=data["title"],
            due_on=data["due_on"],
            owner=data.get("owner"),
        )
        return Response(s.FollowUpTaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("task_id", int, "path")])
    @extend_schema(
        methods=["GET", "PATCH"],
        request=s.FollowUpTaskSerializer,
        responses=s.FollowUpTaskSerializer,
    )
    @extend_schema(methods=["DELETE"], request=None, responses={204: None})
    @action(detail=True, methods=["get", "patch", "delete"], url_path=r"tasks/(?P<task_id>[^/]+)")
    def task(self, request: Request, pk=None, task_id: str = "") -> Response:
        # DRF's get_object_or_404 turns a malformed id into a 404 as well.
        task = get_object_or_404(FollowUpTask, case=self.get_object(), pk=task_id)
        if request.method == "DELETE":
            services.remove_task(task=task, by=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        if request.method == "PATCH":
            data = _valid(s.FollowUpTaskSerializer, request, partial=True)
            task = services.update_task(task=task, by=request.user, **data)
        return Response(s.FollowUpTaskSerializer(task).data)

    @extend_schema(
        request=None,
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"])
    def bundle(self, request: Request, pk=None) -> FileResponse:
        case = self.get_object()
        services.record_bundle_download(case=case, by=request.user)
        return FileResponse(
            bundle_file(case.account),
            as_attachment=True,
            filename=bundle_filename(case.account),
            content_type="application/zip",
        )

    # --- letter and reflection -------------------------------------------------------

    @extend_schema(methods=["GET"], request=None, responses=s.LetterSerializer)
    @extend_schema(
        methods=["PUT"], request=s.LetterInputSerializer, responses={201: s.LetterVersionSerializer}
    )
    @action(detail=True, methods=["get", "put"])
    def letter(self, request: Request, pk=None) -> Response:
        case = self.get_object()
        if request.method == "PUT":
            data = _valid(s.LetterInputSerializer, request)
            version = services.save_letter(case=case, by=request.user, body=data["body"])
            return Response(s.LetterVersionSerializer(version).data, status=status.HTTP_201_CREATED)
        current = current_letter(case)
        return Response(
            {
                "current": s.LetterVersionSerializer(current).data if current else None,
                "draft": draft_letter(case),
                "versions": case.letter_versions.count(),
            }
        )

    @extend_schema(request=None, responses=s.LetterVersionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="letter/versions")
    def letter_versions(self, request: Request, pk=None) -> Response:
        versions = self.get_object().letter_versions.select_related("created_by")
        return Response(s.LetterVersionSerializer(versions, many=True).data)

    @extend_schema(methods=["GET"], request=None, responses=s.ReflectionEntrySerializer(many=True))
    @extend_schema(
        methods=["PUT"],
        request=s.ReflectionInputSerializer,
        responses=s.ReflectionEntrySerializer(many=True),
    )
    @action(detail=True, methods=["get", "put"])
    def reflection(self, request: Request, pk=None) -> Response:
        case = self.get_object()
        if request.method == "PUT":
            data = _valid(s.ReflectionInputSerializer, request)
            services.save_reflection(case=case, by=request.user, answers=data["answers"])
        return Response(s.ReflectionEntrySerializer(case.reflections.all(), many=True).data)
