"""Strategy tournaments (DESIGN.md, "Tournament"): pairings, common random numbers, executors,
the SQLite store, results and rankings, ecological dynamics.

    from negotiation.tournament import Tournament
    results = Tournament(strategies=["rubinstein", "conceder"], protocols=["share-demanding"],
                         repetitions=200, seed=1).play(workers=2)
"""

from negotiation.tournament.tournament import RunReport, Spec, Tournament

__all__ = ["Tournament", "RunReport", "Spec"]
