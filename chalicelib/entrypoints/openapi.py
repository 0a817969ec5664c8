"""/openapi.json (OpenAPI 3.1) generated from the route registry and the JSON Schemas in use."""

from __future__ import annotations

import posixpath
import re
from typing import Any

from chalicelib.entrypoints.http import ROUTES, RouteDoc
from chalicelib.validation import schema

ERROR_REF = {"$ref": "#/components/schemas/api.common/$defs/error"}
PAGE = {"text/html": {"schema": {"type": "string"}}}  # an error a page shows as a page
LOCATION = {"Location": {"schema": {"type": "string"}, "description": "Trang chuyển tới"}}
_STATUS_TEXT = {
    400: "Dữ liệu không hợp lệ",
    401: "Chưa đăng nhập",
    403: "Không có quyền",
    404: "Không tìm thấy",
    409: "Xung đột",
    413: "Quá lớn",
    415: "Kiểu nội dung không được hỗ trợ",
    429: "Quá nhiều yêu cầu",
    503: "Tạm thời không phục vụ được",
}


def component_name(schema_id: str) -> str:
    return schema_id.removesuffix(".json").replace("/", ".")


def _rewrite(node: Any, base: str, used: set[str]) -> Any:
    """Turn file-relative `$ref`s into references to components (collecting what is used)."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and not value.startswith("#"):
                target, _, pointer = value.partition("#")
                target_id = posixpath.normpath(posixpath.join(posixpath.dirname(base), target))
                used.add(target_id)
                out[key] = f"#/components/schemas/{component_name(target_id)}{pointer}"
            elif key in ("$id", "$schema"):
                continue
            else:
                out[key] = _rewrite(value, base, used)
        return out
    if isinstance(node, list):
        return [_rewrite(item, base, used) for item in node]
    return node


def _ref(schema_id: str, used: set[str]) -> dict:
    used.add(schema_id)
    return {"$ref": f"#/components/schemas/{component_name(schema_id)}"}


def _parameters(doc: RouteDoc, used: set[str]) -> list[dict]:
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", doc.path)
    ]
    if doc.query:
        query_schema = schema(doc.query)
        required = set(query_schema.get("required", []))
        for name, prop in query_schema.get("properties", {}).items():
            params.append(
                {
                    "name": name,
                    "in": "query",
                    "required": name in required,
                    "schema": _rewrite(prop, doc.query, used),
                }
            )
    params += doc.extra.get("parameters", [])
    return params


def _operation(doc: RouteDoc, used: set[str]) -> dict:
    success: dict[str, Any] = {"description": "Thành công"}
    if doc.response:
        success["content"] = {doc.content_type: {"schema": _ref(doc.response, used)}}
    elif doc.content_type != "application/json":
        success["content"] = {doc.content_type: {"schema": {"type": "string"}}}
    responses = {str(doc.status): success}
    errors = set(doc.errors) | ({400} if doc.request or doc.query else set())
    errors |= {401, 403} if doc.auth else set()
    errors |= {415} if doc.takes_body else set()  # another Content-Type (Chalice, middleware)
    errors |= {413} if doc.request else set()  # a JSON body over its limit (http.json_body)
    errors.add(503)  # any route: AWS throttling becomes a retryable 503 (http.route)
    for status in sorted(errors | set(doc.pages)):
        content = PAGE if status in doc.pages else {"application/json": {"schema": ERROR_REF}}
        description = _STATUS_TEXT.get(status, "Lỗi")
        responses[str(status)] = {"description": description, "content": content}
    for status in doc.redirects:
        responses[str(status)] = {"description": "Chuyển hướng", "headers": LOCATION}
    operation: dict[str, Any] = {
        "summary": doc.summary,
        "tags": [doc.tag],
        "operationId": re.sub(r"[^a-zA-Z0-9]+", "_", f"{doc.method}_{doc.path}").strip("_"),
        "parameters": _parameters(doc, used),
        "responses": responses,
    }
    if doc.request:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(doc.request, used)}},
        }
    if "requestBody" in doc.extra:  # a body that is not JSON (e.g. Open311's form fields)
        operation["requestBody"] = doc.extra["requestBody"]
    responses.update(doc.extra.get("responses", {}))
    if doc.auth:
        operation["security"] = [{"bearer": []}]
        operation["description"] = "Vai trò được phép: " + ", ".join(doc.auth)
    return operation


def document(server_url: str = "/") -> dict:
    used: set[str] = {"api/common.json"}
    paths: dict[str, dict] = {}
    for doc in ROUTES:
        paths.setdefault(doc.path, {})[doc.method.lower()] = _operation(doc, used)
    components: dict[str, Any] = {}
    pending = set(used)
    while pending:
        schema_id = pending.pop()
        found: set[str] = set()
        components[component_name(schema_id)] = _rewrite(schema(schema_id), schema_id, found)
        pending |= found - set(used)
        used |= found
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Cổng Dịch vụ công — API",
            "version": "1.0.0",
            "description": "Hợp đồng HTTP công khai của Cổng DVC.",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(components.items())),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }
