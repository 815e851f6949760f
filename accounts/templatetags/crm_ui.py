"""Small presentation helpers shared by every page template."""

from __future__ import annotations

from django import template
from django.template import engines
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from signals.catalogue import CATALOGUE

register = template.Library()

BAND_LABELS = {"healthy": "Healthy", "watch": "Watch", "at_risk": "At risk", "critical": "Critical"}


@register.simple_tag
def open_alert_count(user) -> int:
    """Alerts still wanting attention among the accounts the user may see."""
    from signals.alerts import badge_count

    return badge_count(user)


@register.simple_tag(takes_context=True)
def jinja(context, template_name: str) -> str:
    """Render one of the Jinja2 list templates (crm_health/jinja2.py) with this
    template's context, where a Django template would ``{% include %}`` it."""
    html = engines["jinja2"].get_template(template_name).render(context.flatten())
    # Jinja2 (autoescape always on) escaped every value it rendered.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703


@register.simple_tag
def url_or_none(name: str, *args) -> str | None:
    """``reverse(name)`` or None while the page does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@register.filter
def band_label(band: str | None) -> str:
    return BAND_LABELS.get(band or "", "Not scored")


@register.filter
def role_label(role: str | None) -> str:
    from accounts.vocabulary import Role

    return str(Role(role).label) if role in Role.values else ""


@register.filter
def catalogue_label(key: str | None) -> str:
    if not key:
        return ""
    entry = CATALOGUE.get(key)
    return entry.label if entry else key.replace("_", " ").capitalize()


def _missing(value) -> bool:
    # A value of an unscored account reaches a filter as None, or as the template
    # engine's empty string when the object holding it (its AccountHealth) is absent.
    return value is None or value == ""


@register.filter
def level(score: float | None) -> str:
    """Friction score (0–100) → a CSS level: none, low, mid, high."""
    if _missing(score):
        return "none"
    if score >= 70:
        return "high"
    if score >= 50:
        return "mid"
    if score >= 20:
        return "low"
    return "none"


@register.filter
def tone(value: float | None) -> str:
    if _missing(value):
        return "neutral"
    if value <= -0.2:
        return "negative"
    if value >= 0.2:
        return "positive"
    return "neutral"


@register.filter
def percent(value: float | None, digits: int = 0) -> str:
    if _missing(value):
        return "—"
    return f"{100 * value:.{int(digits)}f}%"


@register.filter
def money(value) -> str:
    if _missing(value):
        return "—"
    value = float(value)
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 10_000:
        return f"{value / 1_000:.0f}k"
    if abs(value) >= 1_000:
        return f"{value / 1_000:.1f}k"
    return f"{value:,.0f}"


@register.filter
def trend(current) -> str:
    """Arrow for an AccountHealth: health against previous_health."""
    if _missing(current) or current.previous_health is None:
        return ""
    delta = current.health - current.previous_health
    if delta >= 1:
        return "up"
    if delta <= -1:
        return "down"
    return "flat"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
