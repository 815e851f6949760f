"""The record's API: accounts (with contacts, contracts and health), interactions, CSV
exports and tokens. Views parse, call a use case from ``accounts/services.py`` and
render; object-level access is the queryset (``Account.objects.visible_to``), so
another owner's object is a 404 on every path and never appears in a list."""

from __future__ import annotations

from contextlib import nullcontext

from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from accounts import services
from accounts.models import Account, Contact, Contract, Interaction
from accounts.permissions import HasRole
from signals.models import HealthSnapshot
from signals.scoring import health_document, snapshot_diff

from . import exports
from .filters import AccountFilter, InteractionFilter, StrictOrderingFilter
from .serializers import (
    AccountSerializer,
    ContactSerializer,
    ContractSerializer,
    HealthDocumentSerializer,
    HealthHistoryItemSerializer,
    InteractionCreateSerializer,
    InteractionSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)

NOT_SCORED = "This account has not been scored yet."


def _printable(value: str) -> bool:
    # A lookup no identifier can have (control characters, NUL) is a 404 before it
    # reaches the database, which would refuse a NUL with an error.
    return value.isprintable()


def _id(value: str) -> int:
    """A numeric id from the URL; anything else is a 404 (JSON, like every API error)."""
    if not value.isascii() or not value.isdecimal() or len(value) > 18:
        raise Http404
    return int(value)


class RecordViewSet(viewsets.GenericViewSet):
    permission_classes = [HasRole]

    def perform_content_negotiation(self, request, force=False):
        # An export streams CSV whatever the Accept header says; its refusals are JSON.
        return super().perform_content_negotiation(
            request, force=force or getattr(self, "action", None) == "export"
        )

    def visible_accounts(self) -> QuerySet[Account]:
        return Account.objects.visible_to(self.request.user)


# --- accounts ---------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List accounts you may see", responses={200: AccountSerializer(many=True)}
    ),
    create=extend_schema(
        summary="Create an account", request=AccountSerializer, responses={201: AccountSerializer}
    ),
    retrieve=extend_schema(
        summary="One account with its current scores", responses={200: AccountSerializer}
    ),
    update=extend_schema(
        summary="Replace an account's fields",
        request=AccountSerializer,
        responses={200: AccountSerializer},
    ),
    partial_update=extend_schema(
        summary="Change some of an account's fields",
        request=AccountSerializer,
        responses={200: AccountSerializer},
    ),
)
class AccountViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    RecordViewSet,
):
    serializer_class = AccountSerializer
    lookup_field = "external_id"
    lookup_value_regex = r"[^/]+"
    filterset_class = AccountFilter
    filter_backends = [
        *RecordViewSet.filter_backends[:1],
        SearchFilter,
        StrictOrderingFilter,
    ]
    search_fields = ["name", "external_id"]
    ordering_aliases = {
        "health": "current_health__health",
        "annual_value": "annual_value",
        "name": "name",
        "external_id": "external_id",
    }

    def get_queryset(self) -> QuerySet[Account]:
        return self.visible_accounts().select_related("owner", "current_health")

    def get_object(self) -> Account:
        external_id = self.kwargs["external_id"]
        if not _printable(external_id):
            raise Http404
        return get_object_or_404(self.get_queryset(), external_id=external_id)

    def create(self, request: Request) -> Response:
        serializer = AccountSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = services.create_account(by=request.user, **serializer.validated_data)
        return Response(AccountSerializer(account).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, external_id: str, partial: bool = False) -> Response:
        account = self.get_object()
        serializer = AccountSerializer(account, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        account = services.update_account(
            account=account, by=request.user, **serializer.validated_data
        )
        return Response(AccountSerializer(account).data)

    def partial_update(self, request: Request, external_id: str) -> Response:
        return self.update(request, external_id, partial=True)

    @extend_schema(
        summary="The account's current health document",
        responses={200: HealthDocumentSerializer},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def health(self, request: Request, external_id: str) -> Response:
        document = health_document(self.get_object())
        if document is None:
            return Response({"detail": NOT_SCORED}, status=status.HTTP_404_NOT_FOUND)
        return Response(document)

    @extend_schema(
        summary="The account's health snapshots, newest first",
        responses={200: HealthHistoryItemSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], url_path="health/history", filter_backends=[])
    def health_history(self, request: Request, external_id: str) -> Response:
        snapshots = (
            HealthSnapshot.objects.filter(account=self.get_object())
            .select_related("supersedes")
            .defer("document", "supersedes__document")
            .order_by("-computed_at", "-id")
        )
        page = self.paginate_queryset(snapshots)
        items = HealthHistoryItemSerializer([_history_item(s) for s in page], many=True)
        return self.get_paginated_response(items.data)

    @extend_schema(
        summary="Accounts with their current health as CSV (same filters as the list)",
        filters=True,
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV"),
        },
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request: Request):
        accounts = self.filter_queryset(self.get_queryset())
        return exports.csv_response(
            filename="accounts.csv",
            header=exports.ACCOUNT_EXPORT_COLUMNS,
            rows=exports.account_rows(accounts),
        )


def _history_item(snapshot: HealthSnapshot) -> dict:
    previous = snapshot.supersedes
    return {
        "computed_at": snapshot.computed_at,
        "health": snapshot.health,
        "band": snapshot.band,
        "customer_side": snapshot.customer_side,
        "vendor_side": snapshot.vendor_side,
        "metrics": {k: getattr(snapshot, k) for k in ("nps", "csat", "churn_probability", "clv")},
        "changes": snapshot_diff(previous, snapshot) if previous else None,
    }


# --- contacts and contracts (access follows the account) -------------------------------


class AccountPartViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    RecordViewSet,
):
    """Something that hangs off an account: ``accounts/{external_id}/<parts>/``."""

    model: type[Contact] | type[Contract]
    filter_backends: list = []

    def account(self) -> Account:
        if not hasattr(self, "_account"):
            external_id = self.kwargs["external_id"]
            if not _printable(external_id):
                raise Http404
            self._account = get_object_or_404(self.visible_accounts(), external_id=external_id)
        return self._account

    def get_queryset(self):
        return self.model.objects.filter(account=self.account()).order_by("pk")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=_id(self.kwargs["pk"]))

    def create(self, request: Request, external_id: str) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = self.add(account=self.account(), **serializer.validated_data)
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, external_id: str, pk: str, partial: bool = False):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return Response(self.get_serializer(self.change(instance, serializer.validated_data)).data)

    def partial_update(self, request: Request, external_id: str, pk: str) -> Response:
        return self.update(request, external_id, pk, partial=True)

    def add(self, *, account: Account, **values):
        raise NotImplementedError  # the use case that creates the part

    def change(self, instance, values: dict):
        raise NotImplementedError  # the use case that changes it


def _part_schema(noun: str, serializer) -> dict:
    return {
        "list": extend_schema(
            summary=f"The account's {noun}s", responses={200: serializer(many=True)}
        ),
        "create": extend_schema(summary=f"Add a {noun}", responses={201: serializer}),
        "retrieve": extend_schema(summary=f"One {noun}", responses={200: serializer}),
        "update": extend_schema(summary=f"Replace a {noun}", responses={200: serializer}),
        "partial_update": extend_schema(summary=f"Change a {noun}", responses={200: serializer}),
    }


@extend_schema_view(**_part_schema("contact", ContactSerializer))
class ContactViewSet(AccountPartViewSet):
    model = Contact
    serializer_class = ContactSerializer

    def add(self, *, account: Account, **values) -> Contact:
        return services.add_contact(account=account, **values)

    def change(self, contact: Contact, values: dict) -> Contact:
        return services.update_contact(contact=contact, **values)


@extend_schema_view(**_part_schema("contract", ContractSerializer))
class ContractViewSet(AccountPartViewSet):
    model = Contract
    serializer_class = ContractSerializer

    def add(self, *, account: Account, **values) -> Contract:
        return services.add_contract(account=account, **values)

    def change(self, contract: Contract, values: dict) -> Contract:
        return services.update_contract(contract=contract, **values)


# --- interactions (append-only: no update, no delete) ----------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List interactions of accounts you may see",
        responses={200: InteractionSerializer(many=True)},
    ),
    create=extend_schema(
        summary="Record an interaction",
        description="Validated like a row of the interactions import. Refused (400) when an "
        "identical interaction is already recorded, naming its id.",
        request=InteractionCreateSerializer,
        responses={201: InteractionSerializer},
    ),
    retrieve=extend_schema(summary="One interaction", responses={200: InteractionSerializer}),
)
class InteractionViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    RecordViewSet,
):
    serializer_class = InteractionSerializer
    filterset_class = InteractionFilter
    filter_backends = [*RecordViewSet.filter_backends[:1], StrictOrderingFilter]
    lookup_value_regex = r"[^/]+"
    ordering_aliases = {"occurred_at": "occurred_at", "id": "id"}

    def get_queryset(self) -> QuerySet[Interaction]:
        return Interaction.objects.filter(account__in=self.visible_accounts()).select_related(
            "account", "contact"
        )

    def get_object(self) -> Interaction:
        return get_object_or_404(self.get_queryset(), pk=_id(self.kwargs["pk"]))

    def create(self, request: Request) -> Response:
        serializer = InteractionCreateSerializer(
            data=request.data, context={"visible_accounts": self.visible_accounts()}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        account = data.pop("account")
        contact = data.pop("contact", None)
        # A contact named for the first time is created with the interaction, in one
        # transaction; otherwise record_interaction's own is enough (no savepoint).
        named = isinstance(contact, str)
        with transaction.atomic() if named else nullcontext():
            if named:
                contact = services.contact_named(account=account, name=contact)
            interaction = services.record_interaction(
                account=account,
                contact=contact,
                external_id=data.pop("interaction_id", ""),
                **data,
            )
        return Response(InteractionSerializer(interaction).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Interactions as CSV in the import's columns (same filters as the list)",
        filters=True,
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV"),
        },
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request: Request):
        interactions = self.filter_queryset(self.get_queryset())
        return exports.csv_response(
            filename="interactions.csv",
            header=exports.INTERACTION_EXPORT_COLUMNS,
            rows=exports.interaction_rows(interactions),
        )


# --- tokens -----------------------------------------------------------------------------


class TokenThrottle(AnonRateThrottle):
    """Token requests per client address; ``DEFAULT_THROTTLE_RATES["token"]`` or 10/min."""

    scope = "token"

    def get_rate(self) -> str:
        return self.THROTTLE_RATES.get(self.scope, "10/min")


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (``Authorization: Token …``).

    Failures count towards the same brute-force lockout as the login page (django-axes):
    after too many, even the right password is refused until the cool-off passes.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(
        summary="Obtain an API token",
        request=TokenRequestSerializer,
        responses={200: TokenSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(
            request=django_request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if getattr(django_request, "axes_locked_out", False):
            # Answer in JSON here rather than let the axes middleware swap in its page.
            django_request.axes_locked_out = False
            return Response(
                {"detail": "Too many failed login attempts; try again later."},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None or not user.is_active:
            return Response(
                {"non_field_errors": ["Unable to log in with the username and password given."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
