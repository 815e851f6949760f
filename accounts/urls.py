from django.urls import path

from . import views

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("accounts/<str:external_id>/", views.account_detail, name="account-detail"),
]
