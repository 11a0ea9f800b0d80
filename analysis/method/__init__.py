"""The verdict engine: how far, how fast, on track or not.

``progress`` assesses every pledge (its rules, one small function each, in ``rules``; the
published Eurostat / Open SDG method to the letter in ``eurostat``; totals over a plan period in
``period_sums``); ``trends`` fits and projects series, ``hindcast`` tests the method on the past,
``lineage`` follows a pledge through later documents and ``coverage`` counts the years a series
holds. It imports only :mod:`analysis.data`, never presentation: a change to a sentence or a chart
cannot change a verdict.
"""
