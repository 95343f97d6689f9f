"""The counter terminal UI (Textual): where and when, the questions, the answer, the patient's sheet.

Only this package imports Textual; `case`, `moment` and `keymap` are plain Python
so they can be tested and reused without a screen.
"""
