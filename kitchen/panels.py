"""Editor-facing panels: the proofreading findings on top of the edit form (plugged into
the page types' "page-form-top" slot in KitchenConfig.ready())."""

from wagtail.admin.panels import Panel
from wagtail.models import WorkflowState

from .models import ProofreadingTaskState


class ProofreadingFindingsPanel(Panel):
    """Shows what 自动校对 found in the last check, while the page waits for changes."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "kitchen/admin/proofreading_findings.html"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.task_state = self._rejected_proofreading()

        def _rejected_proofreading(self):
            page = self.instance
            if page is None or not page.pk:
                return None
            state = (
                WorkflowState.objects.for_instance(page)
                .filter(status=WorkflowState.STATUS_NEEDS_CHANGES)
                .select_related("current_task_state")
                .first()
            )
            if state is None or state.current_task_state_id is None:
                return None
            return ProofreadingTaskState.objects.filter(
                pk=state.current_task_state_id, status="rejected"
            ).first()

        def is_shown(self):
            return self.task_state is not None

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            findings = self.task_state.findings
            context["blocking"] = [f for f in findings if f.get("blocking", True)]
            context["notes"] = [f for f in findings if not f.get("blocking", True)]
            context["checked_at"] = self.task_state.finished_at
            return context
