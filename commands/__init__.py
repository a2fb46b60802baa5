"""The commands of nintei's command line, by concept; ``cli.py`` is the entry that gathers them.

    common.py     what every command shares: ``--db`` and the database it opens, the options and
                  the fiscal-year type, the group that turns engine.errors into exit status 1
    importing.py  ``import``: fact files into the database, and the counts it prints
    review.py     ``review`` and ``explain``: the annual review, its output, its explanations
    check.py      ``check``: the Gherkin examples of the policy writers
    rules.py      ``rules list`` / ``rules show`` / ``rules lint``
    impact.py     ``rules impact``: whose decisions an edited rule file would change (engine/impact)
    certificates.py  ``certificate`` and ``badges``: what a review granted, as 認定証 and Open Badges

The shared pieces live here rather than in ``cli.py`` because ``python cli.py`` runs that file as
``__main__``: a command module importing ``cli`` would load a second copy of it, with a second
``Settings`` class that the first one's ``--db`` never fills.
"""
