"""Head-and-shoulders tops and inverted (bottom) patterns from swing points (definitions:
:mod:`smallcaps.technicals`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from smallcaps.errors import ParameterError

__all__ = ["find_head_and_shoulders"]

_COLUMNS = ["type", "left_shoulder_date", "left_shoulder_price", "head_date", "head_price",
            "right_shoulder_date", "right_shoulder_price", "left_reaction_date",
            "left_reaction_price", "right_reaction_date", "right_reaction_price", "neckline",
            "neckline_slope", "height", "target", "confirmed", "confirmed_date", "target_reached"]


def _alternating(swings: pd.DataFrame) -> pd.DataFrame:
    """Swing points as an alternating high/low sequence (keep the extreme of a same-kind run)."""
    keep: list = []
    for label, row in swings.sort_values(["pos", "kind"]).iterrows():
        if keep and swings.at[keep[-1], "kind"] == row["kind"]:
            prev = swings.at[keep[-1], "price"]
            better = row["price"] > prev if row["kind"] == "high" else row["price"] < prev
            if better:
                keep[-1] = label
            continue
        keep.append(label)
    return swings.loc[keep]


def find_head_and_shoulders(close: pd.Series, swings: pd.DataFrame,
                            shoulder_tolerance_pct: float = 5.0) -> pd.DataFrame:
    """Head-and-shoulders tops and inverted (bottom) patterns (see the package docstring).

    Parameters
    ----------
    close : Series
        Daily closes; ``swings["pos"]`` indexes it.
    swings : DataFrame
        From :func:`~smallcaps.technicals.swing_points`.
    shoulder_tolerance_pct : float
        Largest gap between the two shoulders, in percent of their mean price.

    Returns
    -------
    DataFrame
        One row per pattern: ``type`` (``head_and_shoulders`` / ``inverse_head_and_shoulders``),
        dates and prices of ``left_shoulder``, ``head``, ``right_shoulder`` and the two reactions
        (``*_date``, ``*_price``; the reactions define the neckline), ``neckline`` (neckline
        price at the confirming bar, or at the last bar while unconfirmed), ``neckline_slope``
        (price units per trading day), ``height`` (head-to-neckline distance), ``target``
        (measured move), ``confirmed`` (bool), ``confirmed_date``, ``target_reached`` (a later
        close at or beyond the target).  Prices in price units.
    """
    tol = float(shoulder_tolerance_pct)
    if not np.isfinite(tol) or tol < 0:
        raise ParameterError(f"shoulder_tolerance_pct must be a percentage >= 0, got {tol!r}")
    c = close.to_numpy(dtype=float)
    seq = _alternating(swings).reset_index(drop=True)
    rows = []
    for i in range(len(seq) - 4):
        pts = seq.iloc[i:i + 5]
        kinds = list(pts["kind"])
        if kinds == ["high", "low", "high", "low", "high"]:
            sign, kind = 1.0, "head_and_shoulders"
        elif kinds == ["low", "high", "low", "high", "low"]:
            sign, kind = -1.0, "inverse_head_and_shoulders"
        else:
            continue
        row = _match_pattern(pts, c, sign, tol)
        if row is None:
            continue
        idx = close.index
        conf = row.pop("confirmed_pos")
        rows.append({
            "type": kind,
            **{f"{name}_{what}": (idx[int(p.pos)] if what == "date" else float(p.price))
               for name, p in zip(("left_shoulder", "left_reaction", "head", "right_reaction",
                                   "right_shoulder"), pts.itertuples(), strict=True)
               for what in ("date", "price")},
            **row,
            "confirmed_date": idx[conf] if conf is not None else None,
        })
    return pd.DataFrame(rows, columns=_COLUMNS)


def _match_pattern(pts: pd.DataFrame, c: np.ndarray, sign: float, tol: float) -> dict | None:
    """Shape rules for one 5-point window; ``sign`` +1 for a top, -1 for an inverted pattern."""
    ls, r1, hd, r2, rs = pts.itertuples()
    if not (sign * hd.price > sign * ls.price and sign * hd.price > sign * rs.price):
        return None
    mean_sh = (ls.price + rs.price) / 2.0
    if abs(ls.price - rs.price) / mean_sh * 100.0 > tol:
        return None
    if abs(r2.price / r1.price - 1.0) * 100.0 > tol:  # neckline too steep
        return None
    slope = (r2.price - r1.price) / (r2.pos - r1.pos)

    def neck(p):
        return r1.price + slope * (p - r1.pos)

    if not (sign * (ls.price - neck(ls.pos)) > 0 and sign * (rs.price - neck(rs.pos)) > 0):
        return None
    height = sign * (hd.price - neck(hd.pos))
    if height <= 0:
        return None
    confirmed_pos = None
    expiry = int(rs.pos) + int(rs.pos - ls.pos)  # must break within the pattern's own width
    for t in range(int(rs.pos) + 1, len(c)):
        if t > expiry:
            return None
        if sign * (c[t] - hd.price) > 0:  # a close beyond the head kills the pattern
            return None
        if sign * (c[t] - neck(t)) < 0:
            confirmed_pos = t
            break
    at = confirmed_pos if confirmed_pos is not None else len(c) - 1
    target = neck(at) - sign * height
    reached = bool(confirmed_pos is not None
                   and (sign * (c[confirmed_pos:] - target) <= 0).any())
    return {"neckline": float(neck(at)), "neckline_slope": float(slope), "height": float(height),
            "target": float(target), "confirmed": confirmed_pos is not None,
            "confirmed_pos": confirmed_pos, "target_reached": reached}
