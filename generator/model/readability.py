"""How hard a resident-facing text is to read: its reading age, by the Flesch-Kincaid grade.

GOV.UK writes for a reading age of 9 (the Government Digital Service's content design
guidance: "aim for a reading age of 9"). A reading age is a US school grade plus 5 (grade 4
is read at 9). The grade is textstat's Flesch-Kincaid, a well-kept implementation that
counts syllables with the CMU pronouncing dictionary, shipped with the package (no download).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

GOV_UK_READING_AGE = 9
GRADE_TO_AGE = 5  # a US school grade is read by children 5 years older


def reading_age(text: str) -> int:
    """The whole years of reading age that text needs (Flesch-Kincaid grade + 5, half up)."""
    import textstat  # loads the pronouncing dictionary: only when a text is measured

    grade = Decimal(str(textstat.flesch_kincaid_grade(text)))
    return int((grade + GRADE_TO_AGE).quantize(Decimal(1), rounding=ROUND_HALF_UP))
