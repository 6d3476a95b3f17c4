#!/usr/bin/env python3
"""Where samples of the 25gaussians grid land: the share of points within 0.15 of each mode.

Usage: bench/grid_modes.py SAMPLES_CSV [ROW COLUMN]
SAMPLES_CSV is the samples.csv that `ebm-lab-cli sample` writes for 2-D chains. Rows count from
the bottom (y = -0.8 + 0.4 r), columns from the left (x = -0.8 + 0.4 c), as the labels of the
cdrl-grid2d-cond preset (classes 0-4 rows, 5-9 columns). With ROW and COLUMN it also prints the
share at that one mode, in that row and in that column. Standard library only.
"""
import csv
import math
import sys


def main():
    if len(sys.argv) not in (2, 4):
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        points = [(float(r["x"]), float(r["y"])) for r in csv.DictReader(f)]
    if not points:
        sys.exit(f"{sys.argv[1]}: no samples")
    counts = [[0] * 5 for _ in range(5)]  # counts[row][column]
    off = 0
    for x, y in points:
        c, r = round((x + 0.8) / 0.4), round((y + 0.8) / 0.4)
        if 0 <= r < 5 and 0 <= c < 5 and math.hypot(x - (-0.8 + 0.4 * c), y - (-0.8 + 0.4 * r)) < 0.15:
            counts[r][c] += 1
        else:
            off += 1
    n = len(points)
    print(f"{n} samples; share within 0.15 of each mode (top row = row 4):")
    for r in reversed(range(5)):
        print("  row %d: " % r + " ".join("%5.1f%%" % (100.0 * counts[r][c] / n) for c in range(5)))
    print("  off every mode: %.1f%%" % (100.0 * off / n))
    if len(sys.argv) == 4:
        r, c = int(sys.argv[2]), int(sys.argv[3])
        print("mode (row %d, column %d): %.1f%%; row %d: %.1f%%; column %d: %.1f%%" % (
            r, c, 100.0 * counts[r][c] / n, r, 100.0 * sum(counts[r]) / n,
            c, 100.0 * sum(counts[i][c] for i in range(5)) / n))


if __name__ == "__main__":
    main()
