"""The scoring engine: the pure rule (`scoring`) and the runs that feed it (`recompute`).

`scoring` is the readable spec of DESIGN.md's rule and touches no ORM; `recompute` loads
evidence through `assessments.selectors`, evaluates it and writes snapshots and level changes.
"""
