"""The offboarding use cases: one typed function each, keyword-only arguments.

Views, the API and the admin call these; none of them changes a case any other way.
Guards raise ``ValidationError`` naming the field or step that blocks (a 400 in the
API) or ``PermissionDenied`` when the role does not allow it (a 403; a case the user
cannot see is a 404 before a service is ever called).
"""

from .cases import advance, close_case, decide, request_decision, start_case
from .steps import (
    UNSET,
    add_comment,
    add_task,
    record_bundle_download,
    remove_task,
    save_assessment,
    save_letter,
    save_reflection,
    save_transition_notes,
    update_checklist_item,
    update_task,
)

__all__ = [
    "UNSET",
    "add_comment",
    "add_task",
    "advance",
    "close_case",
    "decide",
    "record_bundle_download",
    "remove_task",
    "request_decision",
    "save_assessment",
    "save_letter",
    "save_reflection",
    "save_transition_notes",
    "start_case",
    "update_checklist_item",
    "update_task",
]
