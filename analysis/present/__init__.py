"""What a reader sees: the verdicts put into tables, charts and sentences.

``literal`` (dataset text shown literally) and ``tables`` (the HTML tables and the wording of a
figure) at the bottom; ``plots`` (charts), ``narrative`` (sentences for the notebooks),
``report_card`` (the overview's verdict on the plan period), ``indicator_page`` (one page per
indicator), ``explorer`` (the table of every pledge), ``corrections`` (the corrections page, and each
indicator page's own), ``citation`` (how to cite a page: the line every page ends with) and ``index``
(the reports' front page) on them; ``downloads`` (tables as CSV and JSON) and ``chart_export`` (a
chart as an SVG file and a PNG) are what a reader can take away. It imports :mod:`analysis.method`
and :mod:`analysis.data`, never the build.
"""
