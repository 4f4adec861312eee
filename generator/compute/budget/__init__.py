"""The single place budget, computed: baseline, "more for less" envelope, invest-to-save.

Floor 2: works on the embargo-filtered model; returns :class:`tables.Table` objects
(the CSV downloads) and a :class:`BudgetView` (what ``partials/budget.html`` shows).

Exactness
=========
Money is carried as exact integer pence in ``int64`` columns (``PlaceBudget.pence``),
so every sum is exact. Money derived by a percentage (the envelope, the savings, the
share the place keeps) is an exact ``Decimal`` number of pence: the percentages are
decimals, so ``pence * percent / 100`` is a finite decimal, computed under a context
that raises rather than rounds (:data:`EXACT`). Real-terms and per-head figures are
divisions, computed as ``Decimal`` to 28 significant figures. No binary float touches
money; rounding happens only for display (``display.py``) and in the CSV columns that
say so.

Definitions (published in the tables' column descriptions)
==========================================================
* Envelope: baseline x (1 - reduction_percent / 100); savings required: baseline x
  reduction_percent / 100, so envelope + savings = baseline exactly; the place keeps
  savings x savings_share_percent / 100.
* Invest-to-save: net benefit = gross benefit - investment; benefit-cost ratio = gross
  benefit / investment; a body's share of investment = its investment / the scheme's
  total investment, and likewise for net benefit (a share can be negative, or above
  100%, when a body's net benefit is negative).
* Payback year: the first financial year from which the cumulative net benefit is zero
  or more and stays so to the end of the schedule; none if it ends below zero.
* Real terms: cash x index(base year) / index(year), from ``deals/_deflators.yaml``;
  shown only when the index covers every year of the table.
"""

from __future__ import annotations

from typing import Optional

from ...model import Deal, Deflators
from ...model.digest import cache, digest, digest_of
from ..tables import Table
from .arithmetic import real_factors
from .baseline import (
    ALL_BODIES,
    ALL_SCHEMES,
    ALL_STREAMS,
    ALL_YEARS,
    baseline_of,
    envelope_of,
)
from .invest_to_save import invest_to_save_of
from .views import BudgetView, SchemeView

__all__ = ["ALL_BODIES", "ALL_SCHEMES", "ALL_STREAMS", "ALL_YEARS", "BudgetView", "budget_tables", "budget_view"]

# --- public API -----------------------------------------------------------------------------


def budget_tables(deal: Deal, deflators: Optional[Deflators]) -> list[Table]:
    """Every budget table of a deal, for its page and its CSV downloads."""
    computed = _computed(deal, deflators)
    return list(computed[0]) if computed else []


def budget_view(deal: Deal, deflators: Optional[Deflators]) -> Optional[BudgetView]:
    """What partials/budget.html shows, or None when the deal has no budget."""
    computed = _computed(deal, deflators)
    return computed[1] if computed else None


# Pages and downloads both ask for a deal's budget, and a preview server asks again on every
# rebuild: computed once per content of (deal, deflators), by their digests (model/digest.py),
# so an equal deal loaded again is a hit. One entry per deal (slug): an edited deal replaces
# its entry, so a preview server keeps one budget per deal rather than one per edit. The
# tables and views are never changed once made.
_CACHE: dict[str, tuple[bytes, tuple]] = {}
_CACHE_SIZE = 4096
cache(_CACHE.clear)


def _computed(deal: Deal, deflators: Optional[Deflators]):
    if deal.budget is None:
        return None
    key = digest(deal.digest, digest_of(deflators))
    hit = _CACHE.get(deal.slug)
    if hit is not None and hit[0] == key:
        return hit[1]
    result = _compute(deal, deflators)
    if deal.slug not in _CACHE and len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[deal.slug] = (key, result)
    return result


def _compute(deal: Deal, deflators: Optional[Deflators]) -> tuple[tuple[Table, ...], BudgetView]:
    budget = deal.budget
    population = deal.place.population
    factors = real_factors(budget.years, deflators)
    baseline, baseline_table, year_totals = baseline_of(budget, factors, population, deflators)
    tables = [baseline_table]
    envelope = None
    if budget.more_for_less:
        envelope, envelope_table = envelope_of(budget, year_totals, factors, population, deflators)
        tables.append(envelope_table)
    schemes: list[SchemeView] = []
    if budget.schemes:
        schemes, scheme_tables = invest_to_save_of(budget)
        tables += scheme_tables
    view = BudgetView(
        illustrative=budget.illustrative,
        baseline=baseline,
        envelope=envelope,
        schemes=schemes,
        base_year=deflators.base_year if factors else None,
        deflator_source=deflators.source if factors else None,
        population=population,
        population_year=deal.place.population_year if population else None,
        schemes_csv="invest-to-save.csv" if schemes else None,
        schemes_by_year_csv="invest-to-save-by-year.csv" if schemes else None,
    )
    return tuple(tables), view


