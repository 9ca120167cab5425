"""{% load audit_labels %}: {{ entry.action|action_label }} and {{ key|audit_data_label }}, in the
reader's language at display time."""

from django import template

from apps.accounts.audit_labels import action_label, data_label

register = template.Library()


@register.filter(name="action_label")
def action_label_filter(code: str) -> str:
    return action_label(code)


@register.filter(name="audit_data_label")
def audit_data_label_filter(key: str) -> str:
    return data_label(key)
