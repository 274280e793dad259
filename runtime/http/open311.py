"""Open311 GeoReport v2 answers, as the spec writes them: JSON, or XML with the spec's element
names (built with ElementTree), and its error array `[{"code": 403, "description": …}]`.

Both sides of the Open311 endpoint use it: the intake (services, POST requests) and the
projections (GET requests, tokens). The format is the path's suffix: `.json` or `.xml`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from fastapi.responses import JSONResponse, Response

from runtime.http.errors import HttpError

FORMATS = ("json", "xml")
XML_TYPE = "text/xml; charset=utf-8"
# The element of each item of a list member, as the spec names it.
ITEMS = {"attributes": "attribute", "values": "value"}
# The root element and the element of each item of every kind of answer.
SERVICES = ("services", "service")
SERVICE_REQUESTS = ("service_requests", "request")
ERRORS = ("errors", "error")
UNKNOWN_FORMAT = "format tidak dikenal: gunakan .json atau .xml"

Item = Mapping[str, Any]


def answer(
    fmt: str, items: Sequence[Item] | Item, kind: tuple[str, str], status: int = 200
) -> Response:
    """`items` (a list, or one object such as a service definition) in the format asked."""
    if fmt == "xml":
        return Response(_xml(items, kind), status_code=status, media_type=XML_TYPE)
    return JSONResponse(_plain(items), status_code=status)


def known_format(fmt: str) -> str:
    """The format of the path's suffix; 404 in the spec's error array when it is neither."""
    if fmt not in FORMATS:
        raise Open311Refused(404, UNKNOWN_FORMAT, "json")
    return fmt


class Open311Refused(HttpError):
    """A refusal in the spec's error array (in the request's format), raised from a route or
    an access policy; the app's `HttpError` handler answers it with `response()`."""

    def __init__(self, status: int, description: str, fmt: str = "json") -> None:
        super().__init__(status, "open311", description)
        self.fmt = fmt if fmt in FORMATS else "json"

    def response(self) -> Response:  # type: ignore[override]
        return answer(
            self.fmt, [{"code": self.status, "description": self.message}], ERRORS, self.status
        )


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _xml(items: Sequence[Item] | Item, kind: tuple[str, str]) -> bytes:
    root_name, item_name = kind
    if isinstance(items, Mapping):  # one object: its members under the root
        root = ET.Element(root_name)
        _members(root, items)
    else:
        root = ET.Element(root_name)
        for item in items:
            _members(ET.SubElement(root, item_name), item)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _members(parent: ET.Element, item: Item) -> None:
    for name, value in item.items():
        element = ET.SubElement(parent, name)
        if isinstance(value, list | tuple):
            for member in value:
                _members(ET.SubElement(element, ITEMS.get(name, "item")), member)
        elif value is not None:
            element.text = _text(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
