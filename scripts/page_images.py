"""Images on a page: their intrinsic size from the image itself, and lazy loading below the fold.

A browser lays out an ``<img>`` with ``width`` and ``height`` before the file arrives, so nothing
moves when it does (Material's CSS scales it down to the column, keeping the ratio). Figures
after the page's first ``<h2>`` load lazily; the ones before it, which a reader sees first, do
not (a lazy image in view only arrives later). Sizes come from the SVG's root element or, for a
PNG (a notebook's plots, inline as data: URLs), from Pillow.
"""

import base64
import io
import posixpath
import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote, urlsplit

from PIL import Image

IMG = re.compile(r"<img\b[^>]*>")
SRC = re.compile(r'\ssrc="([^"]+)"')
# CSS pixels per unit (SVG lengths are CSS lengths; matplotlib writes pt).
UNITS = {"": 1, "px": 1, "pt": 4 / 3, "pc": 16, "in": 96, "cm": 96 / 2.54, "mm": 96 / 25.4}
LENGTH = re.compile(r"\s*([0-9.]+)\s*([a-z]*)\s*")


def svg_size(path):
    """(width, height) in CSS pixels, rounded, of the SVG at ``path``, from its root element."""
    root, sizes = _root(path), []
    for name in ("width", "height"):
        value = root.get(name, "")
        match = LENGTH.fullmatch(value)
        if not match or match.group(2) not in UNITS:
            raise ValueError(f"{path}: the <svg> {name} should be a length such as "
                             f"'460.8pt', got {value!r}")
        sizes.append(round(float(match.group(1)) * UNITS[match.group(2)]))
    return tuple(sizes)


def _root(path):
    """The root element of the XML file at ``path``, parsed only as far as its start tag
    (``ET.iterparse`` parses 16 KB at a time: a figure's paths, for nothing)."""
    parser = ET.XMLPullParser(events=("start",))
    with open(path, "rb") as file:
        while chunk := file.read(1024):
            parser.feed(chunk)
            for _, element in parser.read_events():
                return element
    parser.close()  # raises ParseError: no element, or not XML
    raise ET.ParseError(f"{path}: no root element")


def size_images(html, page_url, files):
    """``html`` with every local ``<img>`` sized, and the ones after the first h2 lazy.

    ``page_url`` is the page's URL on the site ("activations/smooth/"); ``files`` MkDocs'
    ``Files``, which know where each image comes from.
    """
    base = page_url if page_url.endswith("/") else posixpath.dirname(page_url)
    fold = html.find("<h2")
    fold = len(html) if fold < 0 else fold

    def img(match):
        tag, src = match.group(0), SRC.search(match.group(0))
        if src is None or " width=" in tag:
            return tag
        if src.group(1).startswith("data:image/png;base64,"):
            data = base64.b64decode(src.group(1).split(",", 1)[1])
            width, height = Image.open(io.BytesIO(data)).size
        elif urlsplit(src.group(1)).scheme:
            return tag  # another host's image (the site has none: tests/test_site.py)
        else:
            path = urlsplit(src.group(1)).path
            file = files.get_file_from_path(
                posixpath.normpath(posixpath.join(base, unquote(path))).lstrip("/"))
            if file is None:
                return tag
            if path.endswith(".svg"):
                width, height = svg_size(file.abs_src_path)
            else:
                with Image.open(file.abs_src_path) as image:
                    width, height = image.size
        lazy = ' loading="lazy"' if match.start() > fold else ""
        return f'{tag[:-1].rstrip("/ ")} width="{width}" height="{height}"{lazy}>'

    return IMG.sub(img, html)
