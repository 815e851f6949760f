"""Pages about the record: the portfolio and one account."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Account


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    accounts = Account.objects.visible_to(request.user).select_related("owner")[:100]
    return render(request, "accounts/portfolio.html", {"accounts": accounts})


@login_required
def account_detail(request: HttpRequest, external_id: str) -> HttpResponse:
    # Another owner's account is a 404, never a 403 that confirms it exists.
    account = get_object_or_404(Account.objects.visible_to(request.user), external_id=external_id)
    return render(request, "accounts/account_detail.html", {"account": account})
