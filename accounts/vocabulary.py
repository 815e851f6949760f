"""The fixed vocabularies of the record (domain.md §1). Imports and the API reject
anything else, and the database enforces them with check constraints."""

from django.db import models


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    CALL = "call", "Call"
    MEETING = "meeting", "Meeting"
    CHAT = "chat", "Chat"
    TICKET = "ticket", "Ticket"
    SURVEY = "survey", "Survey"
    INVOICE = "invoice", "Invoice"
    PAYMENT = "payment", "Payment"
    NOTE = "note", "Note"


class Direction(models.TextChoices):
    INBOUND = "inbound", "Inbound (customer to us)"
    OUTBOUND = "outbound", "Outbound (us to customer)"


class Kind(models.TextChoices):
    MESSAGE = "message", "Message"
    COMPLAINT = "complaint", "Complaint"
    REQUEST = "request", "Request"
    DISCOUNT_REQUEST = "discount_request", "Discount request"
    OBJECTION = "objection", "Objection (customer said no)"
    ESCALATION = "escalation", "Escalation"
    PRAISE = "praise", "Praise"
    COMMITMENT = "commitment", "Commitment (we promised)"
    FOLLOW_UP = "follow_up", "Follow-up"
    POLICY_VIOLATION = "policy_violation", "Policy violation"
    INVOICE = "invoice", "Invoice"
    PAYMENT = "payment", "Payment"
    SURVEY = "survey", "Survey"


class AccountStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CHURNED = "churned", "Churned"
    OFFBOARDING = "offboarding", "Offboarding"
    OFFBOARDED = "offboarded", "Offboarded"


class Role(models.TextChoices):
    """Django group names of the three roles (interfaces.md "REST API")."""

    ACCOUNT_MANAGER = "account_manager", "Account manager"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Admin"
