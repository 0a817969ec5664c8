"""A procedure's JSON Schema turned into the fields of its HTML application form.

The page is rendered on the server (fast on a cheap phone, readable before any script runs); the
browser validates with the same constraints the server will check (`required`, `pattern`,
`minLength`/`maxLength`, `minimum`/`maximum`, formats) and builds the JSON from each control's
`name`, which is the field's path as the API reports it in `details[].field` (`form.me.ho_ten`,
`form.nganh_nghe[0].ma_nganh`), so a server error lands on the right control.

Fields inside an optional object (a father not yet known) are required only once any of them is
filled: they carry `group_required` instead of the browser's `required`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

ROW = "__i__"  # placeholder for the row index in a repeatable group's template
RADIO_MAX = 4  # at most this many choices are shown as radio buttons, more as a list
TEXTAREA_FROM = 300  # strings allowed to be this long get a multi-line box
DIGITS = re.compile(r"^\^?\[0-9\]\{\d+(,\d*)?\}\$?$")


@dataclass
class FormField:
    path: str
    kind: str  # group | repeat | text | textarea | date | email | tel | number | select | radio
    # | checkbox | checkboxes
    label: str
    help: str = ""
    required: bool = False
    group_required: bool = False
    value_type: str = "string"  # how the browser converts the value: string | integer | number
    attrs: dict[str, Any] = field(default_factory=dict)
    options: list[str] = field(default_factory=list)
    default: Any = None
    error_message: str = ""
    children: list[FormField] = field(default_factory=list)
    rows: list[FormField] = field(default_factory=list)
    template: FormField | None = None
    min_items: int = 0
    max_items: int | None = None

    @property
    def id(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9_]+", "-", self.path).strip("-")

    @property
    def optional_group(self) -> bool:
        return self.kind == "group" and not self.required


def build(schema: dict, prefix: str = "form") -> list[FormField]:
    """The top-level fields of a form schema, in the schema's order."""
    return _children(schema, prefix, in_optional=False)


def _children(schema: dict, path: str, in_optional: bool) -> list[FormField]:
    required = set(schema.get("required", []))
    return [
        _field(node, f"{path}.{name}", name in required, in_optional)
        for name, node in schema.get("properties", {}).items()
    ]


def _field(node: dict, path: str, required: bool, in_optional: bool) -> FormField:
    kind = node.get("type")
    common = {
        "path": path,
        "label": node.get("title") or path.rsplit(".", 1)[-1].replace("_", " ").capitalize(),
        "help": node.get("description", ""),
        "required": required and not in_optional,
        "group_required": required and in_optional,
        "error_message": node.get("x-error-message", ""),
    }
    if kind == "object":
        group = FormField(kind="group", **common)
        group.required = required and not in_optional
        group.children = _children(node, path, in_optional or not required)
        return group
    if kind == "array":
        return _array(node, common, in_optional)
    scalar = FormField(kind="text", **common)
    scalar.default = None if in_optional else node.get("default")
    _scalar(scalar, node)
    return scalar


def _array(node: dict, common: dict, in_optional: bool) -> FormField:
    items = node.get("items", {})
    min_items, max_items = int(node.get("minItems", 0)), node.get("maxItems")
    if items.get("type") == "object":
        repeat = FormField(kind="repeat", min_items=min_items, max_items=max_items, **common)
        count = max(min_items, 1)
        repeat.rows = [_row(items, common["path"], str(i), in_optional) for i in range(count)]
        repeat.template = _row(items, common["path"], ROW, in_optional)
        return repeat
    choices = [str(v) for v in items.get("enum", [])]
    kind = "checkboxes" if choices else "textarea"
    listed = FormField(kind=kind, options=choices, min_items=min_items, **common)
    listed.value_type = "list" if choices else "lines"
    listed.max_items = max_items
    if not choices:
        listed.help = (listed.help + " Mỗi dòng một mục.").strip()
    return listed


def _row(items: dict, path: str, index: str, in_optional: bool) -> FormField:
    row = FormField(path=f"{path}[{index}]", kind="group", label=items.get("title", ""))
    row.required = not in_optional
    row.children = _children(items, row.path, in_optional)
    return row


def _scalar(f: FormField, node: dict) -> None:
    kind = node.get("type")
    if "enum" in node:
        f.options = [str(v) for v in node["enum"]]
        f.kind = "radio" if len(f.options) <= RADIO_MAX else "select"
    elif kind == "boolean":
        f.kind, f.value_type = "checkbox", "boolean"
    elif kind in ("integer", "number"):
        _number(f, node, kind)
    else:
        _text(f, node)


NUMBER_ATTRS = {"minimum": "min", "maximum": "max", "exclusiveMinimum": "data-exclusive-min"}


def _number(f: FormField, node: dict, kind: str) -> None:
    f.kind, f.value_type = "number", kind
    f.attrs["step"] = "1" if kind == "integer" else "any"
    f.attrs["inputmode"] = "numeric" if kind == "integer" else "decimal"
    f.attrs.update({attr: node[key] for key, attr in NUMBER_ATTRS.items() if key in node})


def _text(f: FormField, node: dict) -> None:
    pattern, fmt = node.get("pattern", ""), node.get("format")
    if fmt in ("date", "email"):
        f.kind = fmt
    elif "(0|\\+84)" in pattern:
        f.kind = "tel"
    elif node.get("maxLength", 0) >= TEXTAREA_FROM:
        f.kind = "textarea"
    if f.kind in ("email", "tel"):
        f.attrs["autocomplete"] = f.kind
    if pattern:
        f.attrs["data-pattern"] = pattern  # checked by the page's script (Unicode mode)
        if DIGITS.match(pattern):
            f.attrs["inputmode"] = "numeric"
    if node.get("minLength", 0) > 1:
        f.attrs["minlength"] = node["minLength"]
    if "maxLength" in node:
        f.attrs["maxlength"] = node["maxLength"]
    example = (node.get("examples") or [None])[0]
    if f.kind == "text" and example and "ví dụ" not in f.help.lower():
        f.help = f"{f.help} Ví dụ: {example}.".strip()
