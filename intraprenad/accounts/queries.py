from dataclasses import dataclass, field

from .models import OrgUnit, RoleAssignment


@dataclass
class TreeNode:
    unit: OrgUnit
    children: list["TreeNode"] = field(default_factory=list)
    people: list[RoleAssignment] = field(default_factory=list)


def organisation_tree() -> list[TreeNode]:
    """The whole organisation as nested nodes with the role holders of each unit (2 queries)."""
    nodes = {u.pk: TreeNode(u) for u in OrgUnit.objects.order_by("kind", "name")}
    for ra in RoleAssignment.objects.select_related("user").order_by("role", "user__last_name"):
        nodes[ra.org_unit_id].people.append(ra)
    roots = []
    for node in nodes.values():
        if node.unit.parent_id is None:
            roots.append(node)
        else:
            nodes[node.unit.parent_id].children.append(node)
    return roots
