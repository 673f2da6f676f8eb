"""Summary rows: the 合计/汇总/均值 lines reports put among their data, found wherever they stand.

They are not data and not errors: the import leaves them out and reports them by row number.
A summary label stands in a row's identity cell (its id, customer, agent, day or time) or its
first cell. Only cells holding a character of some label are looked at closely: an id column
of 200,000 values is not normalised cell by cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from storage.importers.labels import summary_label

_LABEL_CHARACTERS = "[计汇均优平]"


@dataclass(frozen=True)
class SummaryRow:
    row_number: int
    label: str  # normalised: 合计, 汇总值, 同行同层均值 …


def find_summary_rows(frame: pd.DataFrame, identity_headers: Iterable[str]) -> tuple[np.ndarray, list[SummaryRow]]:
    """(mask of the summary rows, the rows with their labels), in row order."""
    mask = np.zeros(len(frame), dtype=bool)
    labels: dict[int, str] = {}
    headers = list(dict.fromkeys([*identity_headers, *frame.columns[:1]]))
    for header in headers:
        cells = frame[header].astype(object)
        maybe = cells.str.contains(_LABEL_CHARACTERS, regex=True).to_numpy(dtype=bool)
        for position in np.flatnonzero(maybe).tolist():
            label = summary_label(cells.iloc[position])
            if label is not None and not mask[position]:
                mask[position] = True
                labels[position] = label
    rows = [SummaryRow(int(frame.index[p]), labels[p]) for p in sorted(labels)]
    return mask, rows


__all__ = ["SummaryRow", "find_summary_rows"]
