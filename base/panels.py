"""Edit-form panels that a higher app plugs into a lower app's page types.

A page type names a slot in its edit handler (`PanelSlot("page-form-top")`); an app above
it fills the slot in its AppConfig.ready() (`plug("page-form-top", SomePanel)`). The slot
takes its panels when Wagtail binds the edit handler to the model, on first use, so the
page type never imports the app that fills it.
"""

from collections import defaultdict

from wagtail.admin.panels import PanelGroup

_plugged = defaultdict(list)


def plug(slot, panel_factory):
    """Show `panel_factory()` wherever `slot` stands in an edit handler."""
    if panel_factory not in _plugged[slot]:
        _plugged[slot].append(panel_factory)


class PanelSlot(PanelGroup):
    def __init__(self, slot, **kwargs):
        kwargs.pop("children", None)
        super().__init__(children=(), **kwargs)
        self.slot = slot

    def clone_kwargs(self):
        kwargs = super().clone_kwargs()
        kwargs.pop("children")
        kwargs["slot"] = self.slot
        return kwargs

    def on_model_bound(self):
        self.children = [factory() for factory in _plugged[self.slot]]
        super().on_model_bound()

    class BoundPanel(PanelGroup.BoundPanel):
        template_name = "base/admin/panel_slot.html"
