"""Build a decision's explanation tree from what fired in durable_rules.

The tree follows the rule's shape (style.md #6). Whether a node is met is read from the firings;
the facts each rule matched are its evidence. For the why-not, each condition also shows the
candidate facts it looked at with their values against the thresholds in force. Those comparisons
are for the reader; should one ever disagree with what durable_rules decided, the review stops
with an internal error instead of printing a contradictory explanation.

The package is split by concept:

    tree.py          ``Explainer``: a decision and its tree, node by node, each checked against
                     what durable_rules decided
    candidates.py    the records a condition looked at: selection, comparisons, records missing,
                     and ``exists ... as/with`` judged candidate by candidate
    observations.py  what an observation says: a record's figures against the thresholds, near
                     misses, and which record it is about, in Japanese and English words
    evidence.py      a fact as evidence: its source row (or what a derived fact came from)
"""
from ..facttypes import DOMAINS
from .evidence import evidence
from .tree import Explainer

__all__ = ["Explainer", "evidence", "DOMAINS"]
