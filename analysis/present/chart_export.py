"""A page's chart as files a reader can keep: a standalone SVG and a PNG of it.

The chart on an indicator page is an inline ``<svg>`` (:func:`analysis.present.indicator_page.series_chart`).
:func:`standalone_svg` makes it a file of its own: the same drawing, with a white background, the
page's title above it and a line naming where its figures and sources are, at its natural size
(720 px wide). :func:`png` rasterises that file with libvips (``pyvips`` with its self-contained
``pyvips-binary`` wheel: no browser), in about a third of the time resvg took (resvg always
compresses its PNG to the utmost, which cost more than the drawing).
"""

from __future__ import annotations

import html
import re

#: The page's charts, found in its HTML: every ``<svg class="indicator-chart ...">``; a chart drawn
#: a second time for narrow screens (class ``chart-narrow``) is the same chart and is left out.
_SVG = re.compile(r"<svg\b[^>]*\bclass=\"(?P<cls>[^\"]*\bindicator-chart\b[^\"]*)\"[^>]*>.*?</svg>", re.S)
_VIEWBOX = re.compile(r'viewBox="0 0 (?P<w>[\d.]+) (?P<h>[\d.]+)"')
_OPEN = re.compile(r"<svg\b[^>]*>")
_LABEL = re.compile(r'aria-label="(?P<label>[^"]*)"')

#: The fonts named in a standalone chart, in order (what librsvg and a browser look for).
FONT_FAMILY = "'DejaVu Sans', 'Noto Sans CJK SC', 'Noto Sans SC', sans-serif"
_HEAD, _FOOT = 34, 26


def charts(html_text: str) -> list[str]:
    """The charts of a page (or of any HTML), in order, each an ``<svg>...</svg>`` string."""
    return [m.group(0) for m in _SVG.finditer(html_text) if "chart-narrow" not in m.group("cls").split()]


def standalone_svg(svg: str, title: str, note: str = "") -> str:
    """``svg`` (a page's chart) as an SVG file: at its natural size, on white, with ``title`` above
    it and ``note`` (where its figures and sources are) below; both written as text, escaped."""
    size = _VIEWBOX.search(svg)
    if size is None:
        raise ValueError("not a page chart: its <svg> has no viewBox")
    width, height = float(size["w"]), float(size["h"])
    label = _LABEL.search(_OPEN.search(svg).group(0))
    inner = _OPEN.sub(f'<svg x="0" y="{_HEAD}" width="{width:g}" height="{height:g}" viewBox="0 0 {width:g} '
                      f'{height:g}">', svg, count=1)
    total = height + _HEAD + _FOOT
    alt = html.escape(html.unescape(label["label"])) if label else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{total:g}" '
        f'viewBox="0 0 {width:g} {total:g}" font-family="{FONT_FAMILY}">\n'
        f"<title>{alt}</title>\n"
        f'<rect width="{width:g}" height="{total:g}" fill="#fff"/>\n'
        f'<text x="8" y="22" font-size="16" font-weight="bold">{html.escape(title)}</text>\n'
        f"{inner}\n"
        f'<text x="8" y="{total - 9:g}" font-size="11" fill="#444">{html.escape(note)}</text>\n'
        "</svg>\n"
    )


#: Files of the CJK fonts a Chinese chart is drawn with, by preference (Debian's fonts-noto-cjk first).
CJK_FILES = ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf", "wqy-zenhei.ttc")


def _cjk_files() -> list[str]:
    """The first installed file of :data:`CJK_FILES` under the system's font folders, if any."""
    import os

    found = {}
    for root in ("/usr/share/fonts", "/usr/local/share/fonts", os.path.expanduser("~/.local/share/fonts")):
        for folder, _, names in os.walk(root):
            for name in names:
                if name in CJK_FILES:
                    found.setdefault(name, os.path.join(folder, name))
    return [found[n] for n in CJK_FILES if n in found][:1]


def png(standalone: str) -> bytes:
    """A PNG of a standalone chart (:func:`standalone_svg`), at its natural size, on white.

    Rasterised by libvips (its SVG loader is librsvg, its text goes through fontconfig: DejaVu Sans,
    which Debian's fontconfig depends on, and for Chinese Noto Sans CJK when installed), with one
    thread (the build already runs a worker per core) and no cache (every chart is new); the same
    chart gives the same bytes."""
    import pyvips

    pyvips.concurrency_set(1)
    pyvips.cache_set_max(0)
    image = pyvips.Image.svgload_buffer(standalone.encode("utf-8"))
    return image.flatten(background=[255, 255, 255]).pngsave_buffer(compression=6, keep="none")
