"""OPML 2.0 import and export of a workspace's sources (parsed with expat, entities refused)."""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement, tostring
from xml.parsers import expat

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import InvalidInput

from .parsing import strip_doctype_subset

MAX_OPML_BYTES = 2 * 1024 * 1024
MAX_OUTLINES = 2000


def parse_opml(data: bytes) -> list[dict]:
    """[{url, title}] for every outline with an xmlUrl (nested folders included)."""
    if len(data) > MAX_OPML_BYTES:
        raise InvalidInput(_("The OPML file is too large."))
    outlines: list[dict] = []
    parser = expat.ParserCreate()

    def refuse_entities(*args):
        raise InvalidInput(_("OPML files with entity declarations are not accepted."))

    def start(name, attrs):
        if name.lower() != "outline" or len(outlines) >= MAX_OUTLINES:
            return
        lowered = {k.lower(): v for k, v in attrs.items()}
        url = (lowered.get("xmlurl") or "").strip()
        if url:
            outlines.append({"url": url, "title": (lowered.get("title") or lowered.get("text") or "").strip()[:255]})

    parser.EntityDeclHandler = refuse_entities
    parser.StartElementHandler = start
    try:
        parser.Parse(strip_doctype_subset(data), True)
    except expat.ExpatError as exc:
        raise InvalidInput(_("This is not a valid OPML file: %(error)s") % {"error": exc}) from exc
    return outlines


def build_opml(*, title: str, sources) -> bytes:
    root = Element("opml", version="2.0")
    head = SubElement(root, "head")
    SubElement(head, "title").text = title
    SubElement(head, "dateCreated").text = timezone.now().strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = SubElement(root, "body")
    for source in sources:
        attrs = {
            "type": "rss",
            "text": source.name or source.url,
            "title": source.name or source.url,
            "xmlUrl": source.url,
        }
        if source.site_url:
            attrs["htmlUrl"] = source.site_url
        SubElement(body, "outline", attrs)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8", xml_declaration=False)
