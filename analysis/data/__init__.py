"""The ground floor: the dataset and the words for its values.

Where the files are (``paths``), what their values mean (``schema``), loading and validating them
(``dataset``, with the cross-row rules in ``rules``, the text checks in ``text``, the corrections
register held to today's tables in ``corrections`` and the one-line errors in ``errors``), checking the arguments a caller passes (``arguments``, ``params``) and
writing a number with its unit (``formats``). It imports nothing else of the project: every other
floor may import it.
"""
