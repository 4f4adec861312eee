"""Bar charts of the budget: geometry worked out here, drawn by the template as inline SVG."""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, Optional, Sequence

from ..display import MINUS, money, percent
from .arithmetic import HUNDRED
from .views import Bar, Chart, EnvelopeRow, SchemeBody, SchemeYear

ROW = 44  # pixels per bar: a label line and the bar
LABEL = 16  # label baseline below the row's top
BAR_TOP = 22  # bar's top below the row's top
GROUP_ROW = 24  # a heading line above a pair of bars


def _pct(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _scale(values: Sequence[Decimal | int], floor_hi: Decimal = Decimal(0)) -> tuple[Callable, Optional[Decimal]]:
    """A function value -> (x, width) in percent of the width, and the zero axis if needed."""
    lo = min([Decimal(0)] + [Decimal(v) for v in values])
    hi = max([Decimal(0), floor_hi] + [Decimal(v) for v in values])
    span = hi - lo
    zero = Decimal(0) if span == 0 else -lo * HUNDRED / span

    def place(value) -> tuple[Decimal, Decimal]:
        if span == 0:
            return Decimal(0), Decimal(0)
        width = abs(Decimal(value)) * HUNDRED / span
        x = zero - width if value < 0 else zero
        return _pct(x), _pct(width)

    return place, (_pct(zero) if lo < 0 else None)


def bars_chart(items: list[tuple[str, int]], label: str) -> Chart:
    place, zero = _scale([v for _, v in items])
    bars = []
    for n, (name, value) in enumerate(items):
        x, width = place(value)
        bars.append(Bar(name, value, x, width, n * ROW + BAR_TOP, n * ROW + LABEL, value < 0, "baseline"))
    return Chart(label, bars, len(items) * ROW + 4, zero)


def envelope_chart(rows: list[EnvelopeRow], reduction: Decimal) -> Chart:
    place, zero = _scale([x.baseline for x in rows])
    bars = []
    for n, x in enumerate(rows):
        ex, ew = place(x.envelope)
        sx, sw = place(x.savings)
        if x.envelope >= 0 and x.savings >= 0:
            sx = _pct(ex + ew)
        y, text_y = n * ROW + BAR_TOP, n * ROW + LABEL
        savings = Bar(x.year, x.savings, sx, sw, y, text_y, x.savings < 0, "savings")
        bars.append(Bar(x.year, x.envelope, ex, ew, y, text_y, x.envelope < 0, "envelope", savings))
    label = f"Bar chart of the agreed budget and the savings required in each year, {_words_percent(reduction)} less than the baseline"
    return Chart(label, bars, len(rows) * ROW + 4, zero)


def shares_chart(name: str, bodies: list[SchemeBody]) -> Chart:
    values = [v for b in bodies for v in (b.investment_share, b.net_share) if v is not None]
    place, zero = _scale(values, floor_hi=HUNDRED)  # shares on a 0-100% scale: half looks like half
    bars, groups = [], []
    top = 0
    for b in bodies:
        groups.append((b.body, top + LABEL))
        top += GROUP_ROW
        for kind, share in (("investment", b.investment_share), ("net", b.net_share)):
            x, width = place(share or 0)
            bars.append(Bar(b.body, share if share is not None else Decimal(0), x, width, top + BAR_TOP, top + LABEL, (share or 0) < 0, kind))
            top += ROW
    label = f"Bar chart comparing each body's share of the investment with its share of the net benefit, {name}"
    return Chart(label, bars, top + 4, zero, groups)


def cumulative_chart(name: str, years: list[SchemeYear]) -> Chart:
    place, zero = _scale([y.cumulative for y in years])
    bars = []
    for n, y in enumerate(years):
        x, width = place(y.cumulative)
        bars.append(Bar(y.year, y.cumulative, x, width, n * ROW + BAR_TOP, n * ROW + LABEL, y.cumulative < 0, "cumulative"))
    label = f"Bar chart of the cumulative net benefit by year, {name}: " + "; ".join(
        f"{y.year} {_words_money(y.cumulative)}" for y in years
    )
    return Chart(label, bars, len(years) * ROW + 4, zero)


def _words_money(pence) -> str:
    """An amount for an aria-label, where a screen reader may skip the minus sign."""
    return money(pence).replace(MINUS, "minus ")


def _words_percent(value: Optional[Decimal]) -> str:
    return "no share" if value is None else percent(value).replace(MINUS, "minus ")
