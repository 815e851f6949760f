from django.urls import path

from . import views

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("portfolio/charts/", views.portfolio_charts, name="portfolio-charts"),
    path("accounts/<str:external_id>/", views.account_detail, name="account-detail"),
    path(
        "accounts/<str:external_id>/health/",
        views.account_health_panel,
        name="account-health-panel",
    ),
    path("accounts/<str:external_id>/timeline/", views.account_timeline, name="account-timeline"),
    path(
        "accounts/<str:external_id>/interactions/",
        views.log_interaction,
        name="account-log-interaction",
    ),
]
