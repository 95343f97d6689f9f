"""The store: rules, services and duty rotas compiled from the YAML, queried per answer.

The YAML folders stay the human-edited source of truth, checked by `orient check`;
a store is compiled from them and answers through the directory interface that
`orient()` uses (`get`, `select`, `on_duty_pharmacies`, `status`, …):

- `orient.store.sqlite`: the embedded default, one file under the user's cache
  folder, built by `orient.cache.load_knowledge_parts` when the YAML changes,
  opened read-only by `orient ask` and the UI;
- `orient.store.directory.StoreDirectory`: the queries, shared by the backends;
- `orient.store.codec`: the compiled rules as JSON (data, never code);
- `orient.store.schema`: the tables and their version;
- `orient.store.outbox`, `journal`, `corrections`: what a desk sends to the shared server
  (journal rows, reports), kept locally until the server has them.

Never imports Textual.
"""
