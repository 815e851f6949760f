from django.urls import path
from rest_framework.routers import SimpleRouter

from signals.api.views import (
    AlertViewSet,
    NotificationPreferenceView,
    ScoringRunViewSet,
    ThresholdRuleViewSet,
)

router = SimpleRouter()
router.register("alerts", AlertViewSet, basename="alert")
router.register("thresholds", ThresholdRuleViewSet, basename="threshold")
router.register("scoring-runs", ScoringRunViewSet, basename="scoring-run")

urlpatterns = [
    path(
        "me/notification-preferences/",
        NotificationPreferenceView.as_view(),
        name="notification-preferences",
    ),
    *router.urls,
]
