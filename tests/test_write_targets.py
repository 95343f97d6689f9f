"""Every command that writes a file refuses a target that is not a regular file (FIFO, folder,
socket, device): a French message and a non-zero exit, the target untouched, never a traceback.
(As root, `orient report --out /dev/full` once replaced the device node with a regular file.)"""

import os
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from orient.atomic import NotARegularFile, write_atomic

FIXTURES = Path(__file__).parent / "fixtures"


def orient(*args):
    return subprocess.run([sys.executable, "-m", "orient", *args], capture_output=True, text=True, timeout=120)


def fifo(tmp_path, name="cible"):
    path = tmp_path / name
    os.mkfifo(path)
    return path


def assert_refused(done, target):
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr
    assert "pas un fichier ordinaire" in done.stderr, done.stderr
    assert str(target) in done.stderr
    assert stat.S_ISFIFO(os.stat(target).st_mode), "the FIFO was replaced"


def test_write_atomic_refuses_a_fifo_a_folder_and_a_socket_and_leaves_them(tmp_path):
    pipe = fifo(tmp_path)
    folder = tmp_path / "dossier"
    folder.mkdir()
    sock_path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        for target, kind, test in ((pipe, "un tube", stat.S_ISFIFO), (folder, "un dossier", stat.S_ISDIR),
                                   (sock_path, "une socket", stat.S_ISSOCK)):
            with pytest.raises(NotARegularFile) as refused:
                write_atomic(target, "x")
            assert kind in str(refused.value) and str(target) in str(refused.value)
            assert test(os.stat(target).st_mode)
    finally:
        server.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cible", "dossier", "s.sock"]  # no temporary left


def test_write_atomic_refuses_a_link_to_a_device_and_still_replaces_a_regular_file(tmp_path):
    link = tmp_path / "lien"
    link.symlink_to("/dev/null")
    with pytest.raises(NotARegularFile):
        write_atomic(link, "x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    plain = tmp_path / "f.txt"
    plain.write_text("old")
    write_atomic(plain, "new")
    assert plain.read_text() == "new"


def test_write_atomic_leaves_dev_null_a_device():
    with pytest.raises(NotARegularFile):
        write_atomic("/dev/null", "x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_report_refuses_a_fifo(tmp_path):
    target = fifo(tmp_path, "rapport.html")
    done = subprocess.run([sys.executable, "-m", "orient", "report", "--html", "--out", str(target)],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "ORIENT_JOURNAL": "off"})
    assert_refused(done, target)


def test_export_refuses_a_fifo_in_the_output_folder(tmp_path):
    out = tmp_path / "export"
    out.mkdir()
    target = fifo(out, "services.json")
    done = orient("export", "--format", "hsds", "--out", str(out))
    assert_refused(done, target)


@pytest.mark.parametrize("source, fixture, extra", [
    ("csv", FIXTURES / "csv_template" / "services-ok.csv", ()),
    ("finess-plus", FIXTURES / "finess_plus" / "finess-structures-exemple-gers.json", ()),
    ("osm", FIXTURES / "importers" / "osm-gers.geojson", ()),
    ("finess", FIXTURES / "importers" / "etalab-cs1100507-stock-20261101.csv", ("--dept", "32")),
])
def test_imports_refuse_a_fifo(tmp_path, source, fixture, extra):
    target = fifo(tmp_path, "import.yaml")
    done = orient("import", source, str(fixture), *extra, "--out", str(target))
    assert_refused(done, target)


def test_rota_import_refuses_a_fifo(tmp_path):
    folder = tmp_path / "directory"
    shutil.copytree(FIXTURES / "rota" / "directory", folder)
    target = fifo(tmp_path, "garde.yaml")
    done = orient("rota", "import", str(FIXTURES / "rota" / "garde-2027.csv"), "--directory", str(folder),
                  "--source", "FSPF 32", "--out", str(target))
    assert_refused(done, target)
