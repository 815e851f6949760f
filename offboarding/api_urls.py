from rest_framework.routers import SimpleRouter

from .api.views import CaseViewSet

router = SimpleRouter()
router.register("offboarding", CaseViewSet, basename="offboarding-case")
urlpatterns = router.urls
