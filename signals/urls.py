from django.urls import path

from . import views

urlpatterns = [
    path("alerts/", views.alert_list, name="alert-list"),
    path("alerts/bulk/", views.alert_bulk, name="alert-bulk"),
    path("alerts/root-causes/", views.root_causes, name="alert-root-causes"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert-detail"),
    path(
        "alerts/<int:pk>/<slug:action>/",
        views.alert_action,
        name="alert-action",
    ),
    path("settings/", views.threshold_list),
    path("settings/thresholds/", views.threshold_list, name="threshold-list"),
    path("settings/thresholds/new/", views.threshold_edit, name="threshold-create"),
    path("settings/thresholds/preview/", views.threshold_preview, name="threshold-preview"),
    path("settings/thresholds/<int:pk>/", views.threshold_edit, name="threshold-edit"),
    path("settings/thresholds/<int:pk>/toggle/", views.threshold_toggle, name="threshold-toggle"),
    path("settings/weights/", views.weights_edit, name="weights-edit"),
    path("runs/", views.run_list, name="run-list"),
    path("runs/start/", views.run_start, name="run-start"),
]
