"""The subtree rule for snippets that belong to an organisation (members, evaluations …).

`SubtreeSnippetViewSet` limits every view it registers — listing and its results,
export (csv/xlsx, which is the listing), edit, copy, delete, history and its results,
usage, inspect, revisions … and the chooser (choose, results, chosen, chosen multiple) —
to objects whose tree path lookup `scope_field` lies under one of the user's
organisations (`scope_organisations`). One mixin per kind of view, put on every view
class the viewset has, so a view Wagtail adds later is covered as well:

- a view of one object (its pk in the URL) answers 404 when the object is outside,
  before it looks the object up in its own way;
- a listing of the model (`IndexView`) and the chooser list only objects inside.

Bulk actions (bulk delete) and anything else asking Wagtail's permission policy about
an instance get the same answer: the viewset registers a `SubtreePermissionPolicy` for its
model, whose per-instance checks add the subtree rule to the model permissions.

Superusers see everything.
"""

from functools import reduce
from operator import or_

from django.contrib.admin.utils import unquote
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from wagtail.admin.views.generic.models import IndexView
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from .audit import organisations_of
from .tree import below_path_q


def in_subtrees(queryset, organisations, field="branch__path"):
    """Rows of `queryset` whose `field` (a tree path lookup) lies under one of
    `organisations` (inclusive)."""
    paths = [o.path for o in organisations]
    if not paths:
        return queryset.none()
    return queryset.filter(
        reduce(or_, (below_path_q(p, inclusive=True, field=field) for p in paths))
    )


class ScopeMixin:
    """What the view mixins share: `scope` (the viewset's rule) is set on the view."""

    scope = None

    def scoped(self, queryset, user=None):
        return self.scope.limit(queryset, user or self.request.user)


class ScopedObjectMixin(ScopeMixin):
    """A view of one object (its pk in the URL): 404 before anything else when the object
    lies outside, whatever the view does next (permission checks, forms, revisions)."""

    def setup(self, request, *args, **kwargs):
        pk = kwargs.get(getattr(self, "pk_url_kwarg", "pk"))
        if pk is not None:
            objects = self.model._default_manager.filter(pk=unquote(str(pk)))
            if not self.scoped(objects, request.user).exists():
                raise Http404
        super().setup(request, *args, **kwargs)


class ScopedListingMixin(ScopedObjectMixin):
    def get_base_queryset(self):
        return self.scoped(super().get_base_queryset())


class ScopedChooserMixin(ScopeMixin):
    def get_object_list(self):
        return self.scoped(super().get_object_list())

    def get_object(self, pk):
        try:
            return self.scoped(self.model_class._default_manager.all()).get(pk=pk)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc

    def get_objects(self, pks):
        return self.scoped(super().get_objects(pks))


class Scope:
    """The rule of one viewset: which organisations a user has, and the path lookup."""

    def __init__(self, field, organisations):
        self.field, self.organisations = field, organisations

    def limit(self, queryset, user):
        if user.is_superuser:
            return queryset
        return in_subtrees(queryset, self.organisations(user), self.field)


class SubtreePermissionPolicy(ModelPermissionPolicy):
    """Model permissions, and for an instance also the subtree rule."""

    def __init__(self, model, scope):
        super().__init__(model)
        self.scope = scope

    def in_scope(self, user, instance):
        return self.scope.limit(self.model._default_manager.filter(pk=instance.pk), user).exists()

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and self.in_scope(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions) and self.in_scope(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        return self.scope.limit(super().instances_user_has_any_permission_for(user, actions), user)


def scoped_view_classes(holder, mixin_for, scope):
    """Put the scope mixin on every `*_view_class` attribute of `holder` (a viewset)."""
    for name in dir(type(holder)):
        if not name.endswith("_view_class"):
            continue
        view_class = getattr(holder, name)
        if not isinstance(view_class, type) or issubclass(view_class, ScopeMixin):
            continue
        mixin = mixin_for(view_class)
        setattr(
            holder,
            name,
            type(f"Scoped{view_class.__name__}", (mixin, view_class), {"scope": scope}),
        )


class SubtreeChooserViewSet(SnippetChooserViewSet):
    scope = None

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        scoped_view_classes(self, lambda view_class: ScopedChooserMixin, scope)

    def get_urlpatterns(self):
        """Without a creation form the chooser has no "Create" tab, but Wagtail still
        registers its URL, which then fails with a server error: left out."""
        patterns = super().get_urlpatterns()
        if self.creation_form_class or self.form_fields or self.exclude_form_fields:
            return patterns
        return [p for p in patterns if getattr(p, "name", None) != "create"]


class SubtreeSnippetViewSet(SnippetViewSet):
    """A snippet viewset whose every view keeps to the user's organisations' subtrees."""

    scope_field = "branch__path"
    chooser_viewset_class = SubtreeChooserViewSet

    @staticmethod
    def scope_organisations(user):
        """The organisations whose objects `user` may reach: where they edit or review."""
        return organisations_of(user)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = Scope(self.scope_field, self.scope_organisations)
        register_permission_policy(
            self.model, SubtreePermissionPolicy(self.model, self.scope), exact_class=True
        )
        scoped_view_classes(
            self,
            lambda view_class: (
                ScopedListingMixin if issubclass(view_class, IndexView) else ScopedObjectMixin
            ),
            self.scope,
        )

    @property
    def chooser_viewset(self):
        return self.chooser_viewset_class(
            self.get_chooser_admin_url_namespace(),
            model=self.model,
            url_prefix=self.get_chooser_admin_base_path(),
            icon=self.icon,
            per_page=self.chooser_per_page,
            scope=self.scope,
        )
