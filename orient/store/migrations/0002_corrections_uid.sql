-- The desks' reports reach the server through each desk's outbox (orient/store/corrections.py), as the
-- journal's rows do: a report gets its own id on the desk, and a report sent twice (a crash between the
-- server's commit and the outbox's, two processes of one desk sending at once) is stored once.
-- Rows of an earlier schema keep a NULL uid (UNIQUE allows several NULLs).
ALTER TABLE corrections ADD COLUMN uid UUID UNIQUE;
