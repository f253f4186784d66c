"""Money in templates: integer öre shown as Swedish kronor (`{{ amount_ore|kr }}` → "1 234 567 kr")."""

from django import template

from intraprenad.economy.rules.money import format_kronor, format_millions

register = template.Library()


@register.filter
def kr(ore):
    """Whole kronor with non-breaking-space thousands and a real minus sign."""
    return "" if ore is None else format_kronor(int(ore))


@register.filter
def kr_exact(ore):
    """Kronor with öre."""
    return "" if ore is None else format_kronor(int(ore), decimals=True)


@register.filter
def mkr(ore):
    """Millions of kronor with one decimal, e.g. "−23,9 mnkr" (seed 003)."""
    return "" if ore is None else format_millions(int(ore))
