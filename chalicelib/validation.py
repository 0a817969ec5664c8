"""JSON Schema validation with every error reported at once, by field path, in Vietnamese.

Schemas live in `schemas/`; `make schemas` copies them into the git-ignored `chalicelib/_schemas/`
(only `chalicelib/` reaches Lambda) before every target that runs, tests or packages the app.
They are loaded once per container and may `$ref` each other by `$id`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib.domain.errors import FieldError, ValidationFailed

if TYPE_CHECKING:  # jsonschema loads with the first validation, not with the app (cold start)
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

SCHEMA_DIR = Path(__file__).resolve().parent / "_schemas"


@lru_cache(maxsize=1)
def _formats():
    from jsonschema import FormatChecker

    return FormatChecker()


@lru_cache(maxsize=1)
def registry() -> Registry:
    from referencing import Registry, Resource

    if not SCHEMA_DIR.is_dir():
        raise RuntimeError(f"{SCHEMA_DIR} is missing: run `make schemas` (it copies schemas/)")
    resources = []
    for path in sorted(SCHEMA_DIR.rglob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        uri = schema.get("$id") or path.relative_to(SCHEMA_DIR).as_posix()
        resources.append((uri, Resource.from_contents(schema)))
    return Registry().with_resources(resources)


def schema(name: str) -> dict:
    """A schema by its `$id`, e.g. 'api/dossier-submission.json'."""
    return registry().contents(name)


@lru_cache(maxsize=256)
def _validator(name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(name), registry=registry(), format_checker=_formats())


def errors_for(
    instance: Any, name: str | None = None, *, schema_obj: dict | None = None, prefix: str = ""
) -> list[FieldError]:
    from jsonschema import Draft202012Validator

    validator = (
        _validator(name)
        if schema_obj is None
        else Draft202012Validator(schema_obj, registry=registry(), format_checker=_formats())
    )
    found = sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
    return [_field_error(e, prefix) for e in _leaves(found)]


def validate(instance: Any, name: str, message: str | None = None) -> Any:
    """Return `instance` unchanged, or raise ValidationFailed listing every problem."""
    problems = errors_for(instance, name)
    if problems:
        raise ValidationFailed(message, problems)
    return instance


def _leaves(errors: Iterable[ValidationError]) -> Iterable[ValidationError]:
    """oneOf/anyOf wrap their own errors: report the most specific ones."""
    for error in errors:
        if error.context and error.validator in ("oneOf", "anyOf"):
            best = min(error.context, key=lambda e: len(list(e.absolute_path)))
            yield best
        else:
            yield error


def _path(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _field_error(error: ValidationError, prefix: str) -> FieldError:
    path = list(error.absolute_path)
    schema_node = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path.append(missing)
        schema_node = schema_node.get("properties", {}).get(missing, {})
    field = _path(path)
    if prefix:
        field = f"{prefix}.{field}" if field else prefix
    return FieldError(field or "(body)", _message(error, schema_node))


def _message(error: ValidationError, node: dict) -> str:
    title = node.get("title")
    text = node.get("x-error-message") if error.validator != "required" else None
    text = text or _MESSAGES.get(error.validator, _generic)(error)
    return f"{title}: {text}" if title else text[0].upper() + text[1:]


def _generic(error: ValidationError) -> str:
    return "giá trị không hợp lệ"


def _enum(error: ValidationError) -> str:
    return "phải là một trong các giá trị: " + ", ".join(map(str, error.validator_value))


def _type(error: ValidationError) -> str:
    names = {
        "string": "chuỗi ký tự",
        "integer": "số nguyên",
        "number": "số",
        "object": "đối tượng",
        "array": "danh sách",
        "boolean": "đúng/sai",
        "null": "rỗng",
    }
    wanted = (
        error.validator_value
        if isinstance(error.validator_value, list)
        else [error.validator_value]
    )
    return "phải là " + " hoặc ".join(names.get(w, w) for w in wanted)


def _format(error: ValidationError) -> str:
    formats = {
        "date": "ngày theo dạng YYYY-MM-DD",
        "email": "địa chỉ email",
        "date-time": "thời điểm theo ISO 8601",
        "uri": "địa chỉ URL",
    }
    return "không đúng định dạng " + formats.get(error.validator_value, str(error.validator_value))


def _additional(error: ValidationError) -> str:
    extras = sorted(set(error.instance) - set(error.schema.get("properties", {})))
    return "có trường không được phép: " + ", ".join(extras)


_MESSAGES = {
    "required": lambda e: "bắt buộc phải nhập",
    "type": _type,
    "enum": _enum,
    "const": lambda e: f"phải bằng {e.validator_value}",
    "pattern": lambda e: "không đúng định dạng",
    "format": _format,
    "minLength": lambda e: (
        "không được để trống"
        if e.validator_value <= 1
        else f"phải có ít nhất {e.validator_value} ký tự"
    ),
    "maxLength": lambda e: f"không được dài quá {e.validator_value} ký tự",
    "minimum": lambda e: f"phải lớn hơn hoặc bằng {e.validator_value}",
    "maximum": lambda e: f"phải nhỏ hơn hoặc bằng {e.validator_value}",
    "exclusiveMinimum": lambda e: f"phải lớn hơn {e.validator_value}",
    "minItems": lambda e: f"phải có ít nhất {e.validator_value} mục",
    "maxItems": lambda e: f"không được quá {e.validator_value} mục",
    "uniqueItems": lambda e: "không được trùng lặp",
    "additionalProperties": _additional,
}


@lru_cache(maxsize=256)
def property_types(name: str) -> dict[str, str | None]:
    """The declared JSON type of each top-level property of a schema, following `$ref`s: once
    per schema and process (every request with a query string asks), like `_validator`."""
    resolver = registry().resolver(base_uri=name)
    types = {}
    for prop, node in schema(name).get("properties", {}).items():
        while "$ref" in node:
            node = resolver.lookup(node["$ref"]).contents
        types[prop] = node.get("type")
    return types
