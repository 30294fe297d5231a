"""Personal data protection (Decree 13/2023/NĐ-CP; Law 91/2025/QH15): the log of staff access to personal data,
the citizen's export of their data, account deletion where the law allows, and the log filter that masks
phone numbers, ID numbers and e-mail addresses. docs/privacy.md states the rules."""
