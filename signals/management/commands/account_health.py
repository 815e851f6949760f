from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Account
from signals.scoring import health_document, recompute_accounts


class Command(BaseCommand):
    help = "Print an account's current health; --json prints exactly the health document."

    def add_arguments(self, parser):
        parser.add_argument("external_id")
        parser.add_argument("--json", action="store_true", help="The API's health document.")

    def handle(self, *args, external_id, **options):
        account = Account.objects.filter(external_id=external_id).first()
        if account is None:
            raise CommandError(f"No account with external id {external_id!r}.")
        document = health_document(account)
        if document is None:  # never scored yet: score it now rather than print nothing
            recompute_accounts(account_ids=[account.pk])
            document = health_document(account)
        if options["json"]:
            self.stdout.write(_dumps(document))
            return
        self.stdout.write(_summary(document))


def _dumps(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False)


def _summary(doc: dict) -> str:
    m = doc["metrics"]

    def num(value, fmt):
        return "—" if value is None else format(value, fmt)

    lines = [
        f"{doc['account']}  health {doc['health']:.1f} ({doc['band']})  at {doc['computed_at']}",
        f"  customer side friction {doc['customer_side']:.1f}   "
        f"vendor side friction {doc['vendor_side']:.1f}",
        f"  NPS {num(m['nps'], '.1f')}   CSAT {num(m['csat'], '.2f')}   "
        f"churn probability {num(m['churn_probability'], '.1%')}   CLV {num(m['clv'], ',.0f')}",
    ]
    for group in ("archetypes", "traits", "warning_signs", "vendor_signs"):
        top = [item for item in doc[group] if item["score"] > 0][:3]
        shown = ", ".join(f"{i['key']} {i['score']:.0f}" for i in top) or "none"
        lines.append(f"  {group.replace('_', ' ')}: {shown}")
        for item in top:
            if item["score"] >= 50:
                for evidence in item["evidence"]:
                    lines.append(f"      {item['key']}: {evidence['fact']}")
    for rec in doc["recommendations"]:
        lines.append(f"  → {rec['for']}: {rec['advice']}")
    return "\n".join(lines)
