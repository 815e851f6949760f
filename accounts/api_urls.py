from django.urls import path
from rest_framework.routers import SimpleRouter

from .api.views import (
    AccountViewSet,
    ContactViewSet,
    ContractViewSet,
    InteractionViewSet,
    ObtainTokenView,
)

router = SimpleRouter()
router.register("accounts", AccountViewSet, basename="account")
router.register("interactions", InteractionViewSet, basename="interaction")

_collection = {"get": "list", "post": "create"}
_member = {"get": "retrieve", "put": "update", "patch": "partial_update"}
_account = "accounts/<str:external_id>"

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path(f"{_account}/contacts/", ContactViewSet.as_view(_collection), name="contact-list"),
    path(f"{_account}/contacts/<str:pk>/", ContactViewSet.as_view(_member), name="contact-detail"),
    path(f"{_account}/contracts/", ContractViewSet.as_view(_collection), name="contract-list"),
    path(
        f"{_account}/contracts/<str:pk>/",
        ContractViewSet.as_view(_member),
        name="contract-detail",
    ),
    *router.urls,
]
