"""factory_boy factories for the record. Text analysis runs as it does on real writes
when a test goes through the services; these factories write rows directly."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Account, Contact, Contract, Interaction

#: Where the default interaction dates start: half a year before the test session, one
#: hour apart in creation order, so they stay inside the scoring window (the last 365
#: days) whatever the date the suite runs on. A fixed date here aged out of the window
#: and failed every test that rescored after the calendar moved on.
HISTORY_START = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=180)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "pw-for-tests-1")
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            # get_or_create: a transactional test's flush also empties the groups the
            # data migration made.
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account
        django_get_or_create = ("external_id",)

    external_id = factory.Sequence(lambda n: f"ACC-{n:05d}")
    name = factory.Sequence(lambda n: f"Customer {n}")
    segment = "smb"
    annual_value = 12000
    started_at = dt.date(2024, 1, 1)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.LazyAttribute(lambda c: f"{c.name.lower().replace(' ', '.')}@customer.example")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    account = factory.SubFactory(AccountFactory)
    start = dt.date(2024, 1, 1)
    end = dt.date(2026, 12, 31)


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    account = factory.SubFactory(AccountFactory)
    occurred_at = factory.Sequence(lambda n: HISTORY_START + dt.timedelta(hours=n))
    channel = "email"
    direction = "inbound"
    kind = "message"
    text = factory.Sequence(lambda n: f"Message number {n}")
