"""The screens of the counter, one module per screen family.

- `where`: where and when (the first screen), its burst-proof `Field` and the commune suggestions;
- `questions`: one question at a time, with the answer so far underneath;
- `answer`: the ranked answer, "pourquoi ?", the keys to edit it;
- `dialogs`: the help, note, change and report modals;
- `common`: what the screens read from the app (`Host`), the situation line, large phone numbers,
  the footer (rebuilt only when its keys change).

Screens only compose, read the case (`app.counter.case`) and post messages
(orient.ui.messages); the app hands them to the controller and tells the screens
to redraw. Keys typed in a burst are never lost: the fields of the first screen
pass on keys that reach them after the focus moved, and the question screen
holds the keys pressed while an answer is being taken into account.
"""
