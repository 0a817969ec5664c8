"""Open311 answers as JSON or XML, shaped as the GeoReport v2 spec shows them.

JSON: top-level arrays for services, requests, POST results, tokens and errors; an object for
the service definition and discovery. XML: the spec's wrappers and item names
(<services><service>, <service_requests><request>, <errors><error>, ...), booleans as
true/false, absent values as empty elements; well-formed because ElementTree escapes the text.
"""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree import ElementTree as ET  # noqa: S405 - building XML, never parsing input

from chalice import Response

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ROOTS = {
    "discovery": "discovery",
    "services": "services",
    "service_definition": "service_definition",
    "requests": "service_requests",
    "errors": "errors",
}
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


def render(fmt: str, kind: str, payload: Any, status: int = 200) -> Response:
    if fmt == "json":
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    else:
        body = to_xml(ROOTS[kind], payload)
    return Response(body=body, status_code=status, headers={"Content-Type": CONTENT_TYPES[fmt]})


def to_xml(root: str, payload: Any) -> str:
    element = ET.Element(root)
    _fill(element, payload)
    text = ET.tostring(element, encoding="unicode", short_empty_elements=True)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + text


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        item = ITEMS.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item), child)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _NOT_XML.sub("", str(value))
