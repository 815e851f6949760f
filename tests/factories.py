"""factory_boy factories for the record. Text analysis runs as it does on real writes
when a test goes through the services; these factories write rows directly."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.models import Account, Contact, Contract, Interaction


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
    occurred_at = factory.Sequence(
        lambda n: dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=n)
    )
    channel = "email"
    direction = "inbound"
    kind = "message"
    text = factory.Sequence(lambda n: f"Message number {n}")
