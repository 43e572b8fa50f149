"""What PDFium reads from a PDF, run only inside a sandbox child (reader.library.sandbox):
each page's lines as PDFium orders them, with where they stand and how big their type
is; the document's metadata (Info dictionary and XMP); a page drawn as pixels; a page's
characters and their boxes. Everything returned is plain data (reader.library.pdf_text)."""

from __future__ import annotations

import re
from array import array
from collections import OrderedDict

from reader.library.pdf_text import RawLine, RawPage, RawPdf

_OPEN: OrderedDict = OrderedDict()  # path -> [stamp, document, uses]: a child keeps the last few open
_KEEP_OPEN = 3
# PDFium keeps what it parsed of every page it loaded (fonts, images, objects) while the
# document is open: reopened after so many pages, a child stays within ~40 MB however
# long the PDF (it grew 0.14 MB a page, 57 MB for 300, without).
_USES_BEFORE_REOPEN = 48
_XMP = re.compile(rb"<x:xmpmeta\b.*?</x:xmpmeta>|<rdf:RDF\b.*?</rdf:RDF>", re.S)
_LINE = re.compile(r"[^\r\n]+")


def extract(source: bytes | str, stamp: object = None, max_pages: int = 5000) -> RawPdf:
    """The pages' lines and the metadata of a PDF (its bytes, or its path)."""
    pdf = _document(source, stamp) if isinstance(source, str) else _open(source)
    try:
        count = len(pdf)
        pages = [_page_or_nothing(pdf, n) for n in range(min(count, max_pages))]
        data = source if isinstance(source, bytes) else _read(source)
        return RawPdf(pages, count, _info(pdf), _xmp(data), _encrypted(pdf))
    finally:
        if isinstance(source, bytes):
            pdf.close()


def render(path: str, stamp: object, number: int, scale: float):
    """Page `number` (0-based) drawn at `scale` pixels a point on white: (width, height,
    RGB bytes, 3 a pixel, rows packed)."""
    pdf = _document(path, stamp)
    page = pdf[number]
    try:
        bitmap = page.render(scale=scale, rev_byteorder=True, may_draw_forms=True)
        width, height, stride, channels = bitmap.width, bitmap.height, bitmap.stride, bitmap.n_channels
        data = bytes(bitmap.buffer)
        bitmap.close()
    finally:  # closed now: PDFium keeps what it parsed of a page for as long as the page is open
        page.close()
    if stride != width * channels:  # rows padded: pack them
        data = b"".join(data[row * stride: row * stride + width * channels] for row in range(height))
    if channels == 4:  # RGBx: the first three of each four bytes (slices copy at C speed)
        packed = bytearray(width * height * 3)
        for channel in range(3):
            packed[channel::3] = data[channel::4]
        data = bytes(packed)
    return width, height, data


def page_chars(path: str, stamp: object, number: int) -> tuple[str, bytes]:
    """A page's text as PDFium gives it and each character's box (x0, y0, x1, y1 as
    float32, in points, y upwards): what selection and marks on the page are made of."""
    page = _document(path, stamp)[number]
    try:
        textpage = page.get_textpage()
        count = textpage.count_chars()
        text = textpage.get_text_range(0, count) if count else ""
        reader, boxes, nothing = _Boxes(textpage, text, count), array("f"), (0.0, 0.0, 0.0, 0.0)
        for i in range(count):  # PDFium's indexes: one box each, a made-up character's empty
            boxes.extend(reader.pdfium_box(i) or nothing)
        textpage.close()
    finally:
        page.close()
    return text, boxes.tobytes()


def page_sizes(path: str, stamp: object, max_pages: int) -> list[tuple[float, float]]:
    """Each page's width and height in points (a page PDFium cannot size: US Letter)."""
    pdf = _document(path, stamp)
    return [_size(pdf, n) for n in range(min(len(pdf), max_pages))]


def _size(pdf, number: int) -> tuple[float, float]:
    try:
        width, height = pdf.get_page_size(number)
    except Exception:  # noqa: BLE001 - PdfiumError
        return 612.0, 792.0
    return (width, height) if width > 0 and height > 0 else (612.0, 792.0)


def _document(path: str, stamp: object):
    """The PDF at path, kept open for the next requests about it (stamp: its version)."""
    held = _OPEN.get(path)
    if held is not None and held[0] == stamp and held[2] < _USES_BEFORE_REOPEN:
        held[2] += 1
        _OPEN.move_to_end(path)
        return held[1]
    if held is not None:
        _OPEN.pop(path)[1].close()
    pdf = _open(path)
    _OPEN[path] = [stamp, pdf, 1]
    while len(_OPEN) > _KEEP_OPEN:
        _OPEN.popitem(last=False)[1][1].close()
    return pdf


def _open(source: bytes | str):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(source)
    except pdfium.PdfiumError as exc:
        raise ValueError(_reason(str(exc))) from None


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return b""


def _reason(message: str) -> str:
    """PDFium's error as a reader would say it."""
    lowered = message.lower()
    if "password" in lowered:
        return "it is encrypted and needs a password"
    if "format" in lowered or "file" in lowered or "not found" in lowered:
        return "it is not a PDF PDFium can read (damaged or not a PDF)"
    if "security" in lowered:
        return "it uses an encryption PDFium does not support"
    return f"PDFium could not open it ({message.strip().rstrip('.')})"


def _page_or_nothing(pdf, number: int) -> RawPage:
    """A page's lines; a page PDFium cannot load is an empty page of the usual size."""
    try:
        return _page_lines(pdf, number)
    except Exception:  # noqa: BLE001 - PdfiumError "Failed to load page", and the like
        return RawPage(612.0, 792.0, [], broken=True)


def _page_lines(pdf, number: int) -> RawPage:
    page = pdf[number]
    width, height = page.get_size()
    textpage = page.get_textpage()
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count > 0 else ""
    boxes = _Boxes(textpage, text, count)
    lines = []
    jumps = "\ufffe" in text
    for match in _LINE.finditer(text):
        start, end = match.span()
        for a, b in _split_at_jumps(boxes, text, start, end) if jumps else ((start, end),):
            if not text[a:b].isspace():
                lines.append(_line(boxes, text, a, b))
    return RawPage(width, height, lines)


def _split_at_jumps(boxes: _Boxes, text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A line cut where PDFium joined a word broken by a soft hyphen (its U+FFFE) to the
    text after it, which stands on another line: the word's end on the next line, or a
    running head drawn after the body, or the next column. The U+FFFE stays at the end of
    the first part, so the cleaning joins the word to the next line it reads."""
    parts, at = [], start
    position = text.find("\ufffe", start, end)
    while position != -1:
        if position + 1 < end and _far_apart(boxes, position - 1, position + 1):
            parts.append((at, position + 1))
            at = position + 1
        position = text.find("\ufffe", position + 1, end)
    parts.append((at, end))
    return parts


def _far_apart(boxes: _Boxes, before: int, after: int) -> bool:
    a, b = boxes.box(before), boxes.box(after)
    if a is None or b is None:
        return False
    height = max(a[3] - a[1], b[3] - b[1], 1.0)
    return abs(a[1] - b[1]) > height / 2


class _Boxes:
    """Characters' boxes and type sizes straight from PDFium's C calls (the wrapper's
    get_charbox makes four ctypes doubles a call: thousands a page)."""

    def __init__(self, textpage, text: str, count: int):
        import ctypes

        import pypdfium2.raw as raw

        self.handle = textpage.raw
        self.values = [ctypes.c_double() for _ in range(4)]
        self.refs = [ctypes.byref(v) for v in self.values]
        self.get_box, self.get_size = raw.FPDFText_GetCharBox, raw.FPDFText_GetFontSize
        self.index = _pdfium_indexes(text, count)

    def box(self, i: int) -> tuple[float, float, float, float] | None:
        """The box (x0, y0, x1, y1) of the text's character i, None when it has none or an
        empty one."""
        box = self.pdfium_box(self.index[i] if self.index else i)
        return box if box and (box[2] > box[0] or box[3] > box[1]) else None

    def pdfium_box(self, j: int) -> tuple[float, float, float, float] | None:
        """The box of PDFium's character j, None when it has none."""
        left, right, bottom, top = self.refs
        if not self.get_box(self.handle, j, left, right, bottom, top):
            return None
        left, right, bottom, top = self.values
        return left.value, bottom.value, right.value, top.value

    def size(self, i: int) -> float:
        return self.get_size(self.handle, self.index[i] if self.index else i)


def _line(boxes: _Boxes, text: str, start: int, end: int) -> RawLine:
    """A line with its box, from its first and last visible characters, and its type size,
    from its middle one (a call into PDFium a character: thousands a page)."""
    segment = text[start:end]
    first = start + len(segment) - len(segment.lstrip())
    last = start + len(segment.rstrip()) - 1
    middle = (first + last) // 2
    while middle < last and text[middle].isspace():
        middle += 1
    ends = [box for box in (boxes.box(first), boxes.box(last)) if box is not None]
    if not ends:  # characters PDFium made up have no box: try the middle one
        ends = [box for box in (boxes.box(middle),) if box is not None]
        if not ends:
            return RawLine(start, segment, (0.0, 0.0, 0.0, 0.0), 0.0)
    size = boxes.size(middle)
    if size < 2:  # a font scaled by its text matrix reports size 1: its glyphs' height says more
        size = max(box[3] - box[1] for box in ends)
    a, b = ends[0], ends[-1]
    return RawLine(start, segment, (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])),
                   round(size, 2))


def _pdfium_indexes(text: str, count: int) -> list[int] | None:
    """Python string index -> PDFium character index, None when they are the same (they
    differ past a character outside the BMP, which PDFium counts twice)."""
    if len(text) == count:
        return None
    table, at = [], 0
    for c in text:
        table.append(at)
        at += 2 if ord(c) > 0xFFFF else 1
    return table


def _info(pdf) -> dict[str, str]:
    try:
        return {k: v for k, v in pdf.get_metadata_dict(skip_empty=True).items() if isinstance(v, str)}
    except Exception:  # noqa: BLE001 - damaged metadata is no metadata
        return {}


def _encrypted(pdf) -> bool:
    try:
        import pypdfium2.raw as raw

        return raw.FPDF_GetSecurityHandlerRevision(pdf) != -1
    except Exception:  # noqa: BLE001
        return False


def _xmp(data: bytes) -> dict[str, list[str]]:
    """The XMP packet's title, creators, dates and keywords (packets are left uncompressed
    so that tools can find them in the bytes, as this does)."""
    try:
        return _xmp_fields(data)
    except Exception:  # noqa: BLE001 - damaged XMP is no XMP
        return {}


def _xmp_fields(data: bytes) -> dict[str, list[str]]:
    found = _XMP.search(data)
    if not found:
        return {}
    from lxml import etree

    try:
        root = etree.fromstring(found.group(), etree.XMLParser(resolve_entities=False, no_network=True,
                                                               huge_tree=False, recover=True))
    except etree.XMLSyntaxError:
        return {}
    if root is None:
        return {}

    def values(name: str) -> list[str]:
        out = []
        for element in root.iter():
            if isinstance(element.tag, str) and etree.QName(element).localname == name:
                items = [li.text for li in element.iter() if isinstance(li.tag, str)
                         and etree.QName(li).localname == "li" and li.text and li.text.strip()]
                out += items or ([element.text] if element.text and element.text.strip() else [])
        for element in root.iter():  # properties written as attributes of rdf:Description
            if isinstance(element.tag, str):
                for attribute, value in element.attrib.items():
                    if etree.QName(attribute).localname == name and value.strip():
                        out.append(value)
        return [" ".join(v.split()) for v in out]

    return {"title": values("title"), "creator": values("creator"), "subject": values("subject"),
            "keywords": values("Keywords"), "created": values("CreateDate") + values("date"),
            "language": values("language")}
