"""The load cache (orient.cache, a SQLite store) never changes an answer: same JSON with and without it,
rebuilt when a YAML file changes, ignored when corrupt or from another format or code."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orient import cache, paths
from orient.bench import measure, synth
from orient.directory.gazetteer import default_gazetteer
from orient.orientation import Knowledge, orient
from orient.problems import DataError


# For the tests of the cache's files, whatever the rules say (its header: why).
MINIMAL_RULES = Path(__file__).parent / "fixtures" / "minimal_rules"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("ORIENT_CACHE_DIR", str(folder))
    monkeypatch.delenv("ORIENT_CACHE", raising=False)
    return folder


@pytest.fixture(scope="module")
def data_root(tmp_path_factory):
    return tmp_path_factory.mktemp("data")


def fresh_copies(root):
    """Copies of the embedded rules and directory in `root`, whatever a test left there."""
    rules = root / "rules"
    directory = root / "directory"
    for folder in (rules, directory):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(paths.rules_dir(), rules, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(paths.directory_dir(), directory)
    return rules, directory


@pytest.fixture
def data(data_root):
    """Copies of the embedded rules and directory, free to edit: fresh for each test, in the same
    folders each time (the store's key names them: see `stored`)."""
    return fresh_copies(data_root)


@pytest.fixture(scope="module")
def compiled(data_root, tmp_path_factory):
    """The store file the first load of the fresh copies writes, compiled once for the module."""
    rules, directory = fresh_copies(data_root)
    folder = tmp_path_factory.mktemp("compiled")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ORIENT_CACHE_DIR", str(folder))
        patch.delenv("ORIENT_CACHE", raising=False)
        Knowledge.load(rules, directory)
        assert cache.last_status.startswith("rebuilt")
    [path] = folder.glob("knowledge-*.sqlite")
    return path


@pytest.fixture
def stored(compiled, cache_dir, data):
    """`data` with the store its first load would write (the same key: same folders, same bytes)
    already in the cache folder, for the tests whose first load only makes it (0.2 s each: the
    rules' examples and guarantees are checked at every compilation)."""
    cache_dir.mkdir(mode=0o700)
    shutil.copy2(compiled, cache_dir / compiled.name)
    return data


def answers(knowledge, count=120, seed=1):
    return [orient(knowledge, facts, at, commune).to_json()
            for facts, at, commune in measure.situations(knowledge, count, seed)]


def test_the_second_load_comes_from_the_cache_and_answers_the_same_as_the_yaml(cache_dir, data, monkeypatch):
    rules, directory = data
    built = Knowledge.load(rules, directory)
    assert cache.last_status.startswith("rebuilt")
    assert len(list(cache_dir.glob("knowledge-*.sqlite"))) == 1
    cached = Knowledge.load(rules, directory)
    assert cache.last_status == "hit"
    assert cached.directory is not built.directory
    monkeypatch.setenv("ORIENT_CACHE", "off")
    plain = Knowledge.load(rules, directory)
    assert cache.last_status == "off"
    assert answers(cached) == answers(plain) == answers(built)
    assert [s for s in cached.directory] == [s for s in plain.directory]
    assert cached.directory.fingerprint == plain.directory.fingerprint
    assert len(cached.directory.rota.sectors) == len(plain.directory.rota.sectors)


def test_orient_ask_prints_the_same_json_with_and_without_the_cache(cache_dir):
    args = [sys.executable, "-m", "orient", "ask", "--commune", "Fleurance", "--at", "2026-11-28T14:00",
            "--fact", "red_flag=none", "--fact", "need=find_gp", "--fact", "has_gp=no", "--json", "--no-journal"]
    env = dict(os.environ, ORIENT_JOURNAL="off")
    outputs = []
    for setting in ("on", "on", "off"):
        done = subprocess.run(args, capture_output=True, text=True, env=dict(env, ORIENT_CACHE=setting), timeout=120)
        assert done.returncode == 0, done.stderr
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1] == outputs[2]
    assert list(cache_dir.glob("knowledge-*.sqlite"))


def test_an_edited_service_is_seen_at_the_next_load(cache_dir, stored):
    rules, directory = stored
    before = Knowledge.load(rules, directory)
    assert before.directory.get("cds-fleurance").name == "Centre territorial de santé de Fleurance"
    path = directory / "centres-de-sante.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name: Centre territorial de santé de Fleurance",
                                 "name: Centre de santé de Fleurance (renommé)"), encoding="utf-8")
    after = Knowledge.load(rules, directory)
    assert cache.last_status.startswith("rebuilt")
    assert after.directory.get("cds-fleurance").name == "Centre de santé de Fleurance (renommé)"
    assert Knowledge.load(rules, directory).directory.get("cds-fleurance").name == "Centre de santé de Fleurance (renommé)"
    assert cache.last_status == "hit"


def test_a_new_file_and_an_edited_rule_are_seen_at_the_next_load(cache_dir, stored):
    rules, directory = stored
    Knowledge.load(rules, directory)
    (directory / "extra.yaml").write_text(
        "services:\n"
        "  - id: msp-essai\n"
        "    name: Maison de santé d'essai\n"
        "    kind: msp\n"
        "    commune: \"32013\"\n"
        "    sources: [\"test\"]\n", encoding="utf-8")
    assert Knowledge.load(rules, directory).directory.get("msp-essai") is not None
    rule_file = rules / "pharmacy.yaml"
    text = rule_file.read_text(encoding="utf-8")
    assert "Apportez l'ordonnance et la carte Vitale." in text
    rule_file.write_text(text.replace("Apportez l'ordonnance et la carte Vitale.",
                                      "Apportez l'ordonnance et la carte Vitale (modifié)."), encoding="utf-8")
    knowledge = Knowledge.load(rules, directory)
    assert cache.last_status.startswith("rebuilt")
    texts = [a for rule in knowledge.rules for rec in rule.recommendations for a in rec.advice]
    assert any("(modifié)" in t.template for t in texts)


def test_a_broken_file_is_refused_every_time_and_never_cached(cache_dir, stored):
    rules, directory = stored
    Knowledge.load(rules, directory)
    path = directory / "numbers.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("kind: emergency_15", "kind: no_such_kind", 1), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DataError):
            Knowledge.load(rules, directory)
    path.write_text(good, encoding="utf-8")
    assert Knowledge.load(rules, directory).directory.get("samu-15") is not None


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "schema", "key", "rules"])
def test_a_damaged_cache_file_is_ignored_and_rewritten(cache_dir, stored, damage):
    import sqlite3

    rules, directory = stored
    reference = answers(Knowledge.load(rules, directory), count=40)
    [path] = cache_dir.glob("knowledge-*.sqlite")
    raw = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "garbage":
        path.write_bytes(os.urandom(len(raw)))
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        with sqlite3.connect(path) as conn:
            if damage == "schema":
                conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
            elif damage == "key":
                conn.execute("UPDATE meta SET value = 'another' WHERE key = 'key'")
            else:
                conn.execute("UPDATE rules SET body = '{\"format\": 1, \"rules\": {\"o\": \"os.system\"}}'")
        conn.close()
    knowledge = Knowledge.load(rules, directory)
    assert cache.last_status.startswith("rebuilt")
    assert answers(knowledge, count=40) == reference
    assert knowledge.directory.fell_back is None
    Knowledge.load(rules, directory)
    assert cache.last_status == "hit"  # rewritten whole


def test_a_store_damaged_while_in_use_still_answers_from_the_yaml(cache_dir, stored):
    rules, directory = stored
    reference = answers(Knowledge.load(rules, directory), count=40)
    knowledge = Knowledge.load(rules, directory)
    assert cache.last_status == "hit"
    [path] = cache_dir.glob("knowledge-*.sqlite")
    with open(path, "r+b") as handle:  # in place: the open connection reads the damaged pages
        size = handle.seek(0, 2)
        handle.seek(0)
        handle.write(os.urandom(size))
    assert answers(knowledge, count=40) == reference
    assert knowledge.directory.fell_back


def test_a_store_folder_others_can_write_to_is_not_used(cache_dir, stored):
    rules, directory = stored
    reference = answers(Knowledge.load(rules, directory), count=20)
    cache_dir.chmod(0o777)
    try:
        knowledge = Knowledge.load(rules, directory)
        assert cache.last_status.startswith("refused:") and "writable by other users" in cache.last_status
        assert answers(knowledge, count=20) == reference
    finally:
        cache_dir.chmod(0o700)
    [path] = cache_dir.glob("knowledge-*.sqlite")
    path.chmod(0o666)
    Knowledge.load(rules, directory)
    assert cache.last_status.startswith("refused:")
    path.chmod(0o600)
    Knowledge.load(rules, directory)
    assert cache.last_status == "hit"


def test_a_cache_written_for_other_data_or_code_is_not_used(cache_dir, stored):
    from orient.store.sqlite import SqliteStore, StoreError

    rules, directory = stored
    Knowledge.load(rules, directory)
    [path] = cache_dir.glob("knowledge-*.sqlite")
    key = cache.knowledge_key(rules, directory, paths.gazetteer_file())
    SqliteStore.open(path, key).close()
    with pytest.raises(StoreError, match="data or code changed"):
        SqliteStore.open(path, "0" * 64)


def test_the_cache_can_be_turned_off_and_an_unwritable_folder_does_not_matter(tmp_path, data, monkeypatch):
    rules, directory = MINIMAL_RULES, data[1]
    monkeypatch.setenv("ORIENT_CACHE_DIR", str(tmp_path / "off-cache"))
    monkeypatch.setenv("ORIENT_CACHE", "off")
    assert Knowledge.load(rules, directory).directory.get("samu-15") is not None
    assert not (tmp_path / "off-cache").exists()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ORIENT_CACHE", "on")
    monkeypatch.setenv("ORIENT_CACHE_DIR", str(blocker / "cache"))
    assert Knowledge.load(rules, directory).directory.get("samu-15") is not None
    assert "not written" in cache.last_status


def test_the_cache_folder_follows_the_environment(tmp_path):
    assert cache.cache_dir({"ORIENT_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert cache.cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "orient"
    assert cache.cache_dir({}) == Path.home() / ".cache" / "orient"
    assert not cache.enabled({"ORIENT_CACHE": "off"})
    assert cache.enabled({})


def test_writing_leaves_no_temporary_file_and_keeps_few_files(cache_dir, data, tmp_path):
    rules, directory = MINIMAL_RULES, data[1]
    for i in range(cache.MAX_FILES + 3):
        other = tmp_path / f"directory-{i}"
        shutil.copytree(directory, other)
        Knowledge.load(rules, other)
    names = [p.name for p in cache_dir.iterdir()]
    assert all(n.startswith("knowledge-") and n.endswith(".sqlite") for n in names), names
    assert len(names) == cache.MAX_FILES




# --- the stat stamp: the key without reading the files ------------------------------------


def _loads_hashing(monkeypatch) -> list:
    """Calls of the content hash from now on."""
    calls = []
    real = cache.knowledge_key
    monkeypatch.setattr(cache, "knowledge_key", lambda *a: calls.append(a) or real(*a))
    return calls


def test_unchanged_files_are_known_by_their_times_and_any_write_is_seen(cache_dir, stored, monkeypatch):
    rules, directory = stored
    monkeypatch.setattr(cache, "RACY_S", 0.0)  # the copies are fresh: trust their times at once
    Knowledge.load(rules, directory)
    Knowledge.load(rules, directory)  # a hit by content: the stamp is written
    stamps = list(cache_dir.glob("knowledge-*.sqlite.stamp"))
    assert len(stamps) == 1 and oct(stamps[0].stat().st_mode & 0o777) == "0o600"
    hashed = _loads_hashing(monkeypatch)
    Knowledge.load(rules, directory)
    assert cache.last_status == "hit" and hashed == []  # not a byte of the data read
    # A write of the same size, its modification time put back: the change time still moves.
    path = directory / "centres-de-sante.yaml"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Centre territorial de santé de Fleurance", "Centre territorial de santé de Fleurancf", 1)
    assert len(edited) == len(text) and edited != text
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    knowledge = Knowledge.load(rules, directory)
    assert cache.last_status.startswith("rebuilt") and len(hashed) >= 1
    assert knowledge.directory.get("cds-fleurance").name.endswith("Fleurancf")


def test_files_changed_within_the_last_seconds_are_never_stamped(cache_dir, stored):
    rules, directory = stored
    Knowledge.load(rules, directory)
    Knowledge.load(rules, directory)
    assert cache.last_status == "hit"
    assert list(cache_dir.glob("*.stamp")) == []  # a later edit could share their times


@pytest.mark.parametrize("damage", ["garbage", "other key", "writable by others"])
def test_a_stamp_that_is_damaged_or_not_the_users_own_is_ignored(cache_dir, stored, monkeypatch, damage):
    rules, directory = stored
    monkeypatch.setattr(cache, "RACY_S", 0.0)
    Knowledge.load(rules, directory)
    Knowledge.load(rules, directory)
    stamp = next(cache_dir.glob("*.stamp"))
    head, recorded, key = stamp.read_text().split("\n")[:3]
    if damage == "garbage":
        stamp.write_bytes(b"\x00\xff not a stamp")
    elif damage == "other key":
        stamp.write_text(f"{head}\n{recorded}\n{'0' * 64}\n")
    else:
        stamp.chmod(0o666)
    hashed = _loads_hashing(monkeypatch)
    knowledge = Knowledge.load(rules, directory)
    assert cache.last_status == "hit" and hashed  # the content decided
    assert knowledge.directory.get("cds-fleurance") is not None
    if damage != "writable by others":
        assert next(cache_dir.glob("*.stamp")).read_text().split("\n")[2] == key  # and the stamp was mended


def test_files_changed_just_before_their_times_were_read_are_never_stamped_however_long_the_hash(
        cache_dir, stored, monkeypatch):
    """The times are read, then the bytes: an edit in between, in the same clock tick, keeps the
    times the stamp would record with the key of the old bytes. The edit's age counts at the
    moment the times are read, not when the stamp is written (a slow disk, a loaded machine)."""
    from types import SimpleNamespace

    rules, directory = stored
    Knowledge.load(rules, directory)
    clock = [time.time()]
    monkeypatch.setattr(cache, "time", SimpleNamespace(time=lambda: clock[0]))
    real = cache.knowledge_key

    def slow_hash(*args):
        clock[0] += 10.0
        return real(*args)

    monkeypatch.setattr(cache, "knowledge_key", slow_hash)
    Knowledge.load(rules, directory)
    assert cache.last_status == "hit"
    assert list(cache_dir.glob("*.stamp")) == []


def test_a_rota_folder_that_is_a_symbolic_link_is_read_for_the_key(cache_dir, data, tmp_path, monkeypatch):
    """`directory/rota` may link to the folder where the weekly rota is published: the loader
    reads through the link, so the key and the stamp must too, else last week's duties answer."""
    rules, directory = data
    shared = tmp_path / "published-rota"
    (directory / "rota").rename(shared)
    (directory / "rota").symlink_to(shared, target_is_directory=True)
    monkeypatch.setattr(cache, "RACY_S", 0.0)
    Knowledge.load(rules, directory)
    Knowledge.load(rules, directory)
    assert cache.last_status == "hit"
    (shared / "gers.yaml").write_text("sectors:\n  - id: auch\n", encoding="utf-8")  # a sector without its fields
    with pytest.raises(DataError):
        Knowledge.load(rules, directory)
