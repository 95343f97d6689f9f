"""The coordinator's report (`orient report --html`): the anonymous journal and the directory's state.

`summary.py` counts (in SQL, on the journal), `gers_map.py` draws the communes,
`html.py` puts it on one self-contained page (inline SVG, no script, no network).
Counts under SMALL_COUNT are never shown: a village, an hour and a need could
point to one person.
"""

SMALL_COUNT = 5
