from django.urls import path

from . import views

urlpatterns = [
    path("offboarding/", views.case_list, name="offboarding-list"),
    path("offboarding/reflections/", views.reflections, name="offboarding-reflections"),
    path("offboarding/start/<str:external_id>/", views.start, name="offboarding-start"),
    path("offboarding/<int:pk>/", views.case_detail, name="offboarding-case"),
    path("offboarding/<int:pk>/assessment/", views.assessment, name="offboarding-assessment"),
    path("offboarding/<int:pk>/comments/", views.comment, name="offboarding-comment"),
    path(
        "offboarding/<int:pk>/request-decision/",
        views.request_decision,
        name="offboarding-request-decision",
    ),
    path("offboarding/<int:pk>/decision/", views.decision, name="offboarding-decision"),
    path(
        "offboarding/<int:pk>/checklist/<slug:key>/",
        views.checklist_item,
        name="offboarding-checklist-item",
    ),
    path("offboarding/<int:pk>/tasks/", views.task_add, name="offboarding-task-add"),
    path(
        "offboarding/<int:pk>/tasks/<int:task_id>/done/",
        views.task_done,
        name="offboarding-task-done",
    ),
    path(
        "offboarding/<int:pk>/transition/",
        views.transition_notes,
        name="offboarding-transition-notes",
    ),
    path("offboarding/<int:pk>/letter/", views.letter, name="offboarding-letter"),
    path("offboarding/<int:pk>/letter/print/", views.letter_print, name="offboarding-letter-print"),
    path("offboarding/<int:pk>/advance/", views.advance, name="offboarding-advance"),
    path("offboarding/<int:pk>/reflection/", views.reflection, name="offboarding-reflection"),
    path("offboarding/<int:pk>/close/", views.close, name="offboarding-close"),
    path("offboarding/<int:pk>/bundle.zip", views.bundle, name="offboarding-bundle"),
]
