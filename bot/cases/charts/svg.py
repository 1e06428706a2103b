"""Drawing pieces the charts share: escaping, the value axis, the palette and its
patterns. Hand-written SVG: no script, nothing fetched, presentation attributes only
(no style attributes, which a strict Content-Security-Policy would block).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Final

#: Okabe & Ito's palette, safe for the common colour-vision deficiencies; each series
#: also has its own pattern and an outline, so colour is never the only cue.
PALETTE: Final = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
OTHER_COLOUR: Final = "#BBBBBB"
HIDDEN_COLOUR: Final = "#FFFFFF"
INK: Final = "#222222"
GRID: Final = "#767676"
#: One pattern per series (drawn over its colour), in palette order.
PATTERNS: Final = ("solid", "diagonal", "dots", "horizontal", "cross", "vertical", "back")

#: First-strong isolate … pop: a name in another script keeps its own direction inside
#: an SVG text without turning the numbers or words around it.
FSI: Final = "\u2068"
PDI: Final = "\u2069"


def esc(text: str) -> str:
    return escape(text, quote=True)


def isolated(text: str) -> str:
    return f"{FSI}{text}{PDI}"


def num(value: float) -> str:
    """A coordinate, short: 12, 12.5."""
    return f"{value:.1f}".removesuffix(".0")


@dataclass(frozen=True, slots=True)
class Axis:
    """A value axis from 0 to `top` with gridlines every `step` (1, 2 or 5 × 10ⁿ)."""

    top: float
    step: float

    @classmethod
    def to(cls, largest: float, lines: int = 4) -> Axis:
        if largest <= 0:
            return cls(float(lines), 1.0)
        raw = largest / lines
        power = 10 ** math.floor(math.log10(raw))
        step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
        if step < 1 and largest >= 1:
            step = 1.0
        return cls(math.ceil(largest / step) * step, step)

    @property
    def ticks(self) -> list[float]:
        count = round(self.top / self.step)
        return [i * self.step for i in range(count + 1)]


def pattern_defs(prefix: str, colours: tuple[str, ...], kinds: tuple[str, ...]) -> str:
    """<pattern> elements `{prefix}-p{i}`: the colour, with its pattern drawn over it."""
    marks = {
        "solid": "",
        "diagonal": '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke-width="1.5"/>',
        "back": '<path d="M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4" stroke-width="1.5"/>',
        "dots": '<circle cx="2" cy="2" r="1.3"/><circle cx="6" cy="6" r="1.3"/>',
        "horizontal": '<path d="M0,2 h8 M0,6 h8" stroke-width="1.5"/>',
        "vertical": '<path d="M2,0 v8 M6,0 v8" stroke-width="1.5"/>',
        "cross": '<path d="M0,4 h8 M4,0 v8" stroke-width="1.5"/>',
        "hidden": '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke-width="1"/>',
    }
    out = []
    for i, (colour, kind) in enumerate(zip(colours, kinds, strict=True)):
        out.append(
            f'<pattern id="{prefix}-p{i}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{colour}"/>'
            f'<g fill="{INK}" stroke="{INK}" fill-opacity="0.55" stroke-opacity="0.55">'
            f"{marks[kind]}</g></pattern>"
        )
    return f"<defs>{''.join(out)}</defs>"


def open_svg(prefix: str, width: float, height: float, title: str, desc: str) -> str:
    """The chart's root: an image named by its title and described by its summary."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'id="{prefix}" viewBox="0 0 {num(width)} {num(height)}" width="{num(width)}" '
        f'height="{num(height)}" aria-labelledby="{prefix}-title" aria-describedby="{prefix}-desc" '
        f'direction="ltr" font-family="sans-serif" font-size="12" fill="{INK}">'
        f'<title id="{prefix}-title">{esc(title)}</title>'
        f'<desc id="{prefix}-desc">{esc(desc)}</desc>'
    )


def value_axis(
    axis: Axis, left: float, right: float, y0: float, height: float, fmt: Callable[[float], str]
) -> str:
    """Horizontal gridlines with their values at the left; the baseline solid."""
    out = []
    for tick in axis.ticks:
        y = y0 - tick / axis.top * height
        dash = ' stroke-dasharray="2 3"' if tick else ""
        out.append(
            f'<line x1="{num(left)}" x2="{num(right)}" y1="{num(y)}" y2="{num(y)}" '
            f'stroke="{GRID}" stroke-width="1"{dash}/>'
            f'<text x="{num(left - 6)}" y="{num(y + 4)}" text-anchor="end">{esc(fmt(tick))}</text>'
        )
    return "".join(out)


def under_mark(x: float, base: float, mark: str) -> str:
    """Where a hidden figure's bar or point would be: its mark on the baseline."""
    return (
        f'<text x="{num(x)}" y="{num(base - 6)}" text-anchor="middle" class="hidden">'
        f"{esc(mark)}</text>"
    )


def label(x: float, y: float, text: str) -> str:
    """A value written above its bar or point."""
    # A white halo keeps the figure legible where it crosses a line or a gridline.
    return (
        f'<text x="{num(x)}" y="{num(y)}" text-anchor="middle" paint-order="stroke" '
        f'stroke="#FFFFFF" stroke-width="3" stroke-linejoin="round">{esc(text)}</text>'
    )
