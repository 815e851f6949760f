"""URL wiring only: each app owns its pages (``urls.py``) and API (``api_urls.py``)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import APIRootView

from .api import not_found as api_not_found
from .health import healthz

#: The API's collections, as its root lists them (route names in the "api" namespace).
API_ROOT = {
    "accounts": "account-list",
    "interactions": "interaction-list",
    "alerts": "alert-list",
    "thresholds": "threshold-list",
    "scoring-runs": "scoring-run-list",
    "offboarding": "offboarding-case-list",
}

# In their own namespace: the routers name their routes as the pages are named
# ("alert-detail", "threshold-list", …), and without it reverse() gave the API root the
# pages' addresses.
api_patterns = [
    path("", APIRootView.as_view(api_root_dict=API_ROOT), name="api-root"),
    path("", include("accounts.api_urls")),
    path("", include("signals.api_urls")),
    path("", include("offboarding.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: the CSP allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:api-schema"), name="api-docs"),
    re_path(r"^.*$", api_not_found),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include((api_patterns, "api"))),
    path("", include("signals.urls")),
    path("", include("offboarding.urls")),
    path("", include("accounts.urls")),
]
