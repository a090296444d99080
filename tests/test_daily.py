"""Daily use: one output rule for every listing, one-line command-line errors, settings from the
environment, and the small things a new user meets first (--version, an empty papers folder)."""
from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import rows
from paperfactory import csip_minutes_spec, csip_spec, make_minutes, make_report, sdp_minutes_spec, sdp_spec
from typer.testing import CliRunner

from plantrack import __version__
from plantrack.extract import EXTRACTOR_VERSION
from plantrack.pipeline.cli import app
from plantrack.pipeline.stages import ingest as stages
from plantrack import store
from plantrack.settings import SettingsError, load


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two reports and the minutes that discuss them, loaded in-process: a reason in each matches no
    action, so the review queue has work."""
    root = tmp_path_factory.mktemp("daily")
    make_report(root / "sdp_nov.pdf", sdp_spec("2019-11"))
    make_minutes(root / "minutes.pdf", sdp_minutes_spec())
    make_report(root / "csip_jun.pdf", csip_spec("2022-06"))
    make_minutes(root / "csip_minutes.pdf", csip_minutes_spec())
    db = store.connect(root / "p.db")
    stages.ingest(sorted(root.glob("*.pdf")), db, root / "cache")
    db.conn.close()
    return root / "p.db"


# ---- one output rule -----------------------------------------------------------------------------
def test_review_piped_is_its_table_on_stdout_one_tab_separated_line_per_item(built):
    done = cli("review", "--db", str(built), "--limit", "1")
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert lines[:2] == ["review queue:", "doubt\tcouncil\twhat\tfile\tpage\tvalue read\twhy"]
    assert len(lines) == 2 + 1
    assert all(len(line.split("\t")) == 7 for line in lines[2:])
    assert "… and" in done.stderr and "more" in done.stderr  # a remark, not data
    whole = json.loads(cli("review", "--db", str(built), "--json").stdout)
    assert len(whole) > 1
    # never cut: the reason's words as long as they are in the queue
    assert lines[2].split("\t")[6] == whole[0]["why"]


def test_review_json_is_only_json(built):
    done = cli("review", "--db", str(built), "--json")
    items = json.loads(done.stdout)
    assert any("Welcome pack" in str(i["value"]) for i in items)
    assert "review queue" not in done.stdout


def test_corrections_listing_follows_the_same_rule(built):
    empty = cli("corrections", "--db", str(built))
    assert empty.exit_code == 0 and empty.stdout == "" and "no corrections yet" in empty.stderr
    assert json.loads(cli("corrections", "--db", str(built), "--json").stdout) == []


def test_inspect_piped_never_cuts_an_action(built):
    pdf = built.parent / "sdp_nov.pdf"
    done = cli("inspect", str(pdf), "--db", str(built))
    assert done.exit_code == 0, done.output
    texts = [line.split("\t")[3] for line in done.stdout.splitlines() if line.count("\t") == 7][1:]
    assert texts and max(map(len, texts)) > 70


# ---- one-line errors -----------------------------------------------------------------------------
@pytest.mark.parametrize("args, says", [
    (("correct", "--position", "0"), "'--position'"),
    (("correct", "--undo", "abc"), "'--undo'"),
    (("serve", "--port", "70000"), "'--port'"),
    (("export", "--format", "csv"), "Missing option '--output'"),
    (("status", "--no-such-flag"), "No such option"),
    (("no-such-command",), "No such command"),
    (("run", "--timeout", "inf"), "ingest.timeout must be a finite number"),
    (("run", "--timeout", "nan"), "--timeout"),
])
def test_a_command_line_mistake_is_one_line_with_exit_status_2(tmp_path, args, says):
    done = cli(*args, *(("--db", str(tmp_path / "none.db")) if args[0] in ("correct", "serve", "status") else ()))
    assert done.exit_code == 2, done.output
    assert len(done.output.strip().splitlines()) == 1, done.output
    assert says in done.output and "╭" not in done.output and "Traceback" not in done.output


def test_version():
    done = cli("--version")
    assert done.exit_code == 0
    assert done.stdout.strip() == f"plantrack {__version__} (extractor version {EXTRACTOR_VERSION})"


# ---- settings from the environment ---------------------------------------------------------------
def test_table_settings_are_read_from_the_environment_as_json():
    cfg = load(None, env={"PLANTRACK_RECONCILE_SCALE": '{"grey": 4}',
                          "PLANTRACK_STATUSES": '{"Behind plan": "red"}'})
    assert cfg["reconcile.scale"] == {"red": 1, "amber": 2, "green": 3, "blue": 4, "grey": 4}
    assert cfg["statuses"] == {"Behind plan": "red"}


@pytest.mark.parametrize("env, says", [
    ({"PLANTRACK_RECONCILE_SCALE": "grey=4"}, "PLANTRACK_RECONCILE_SCALE must be JSON"),
    ({"PLANTRACK_RECONCILE_SCALE": '{"pink": 4}'}, "unknown status 'pink'"),
    ({"PLANTRACK_STATUSES": '["red"]'}, "statuses must be a table"),
    ({"PLANTRACK_INGEST_TIMEOUT": "inf"}, "ingest.timeout must be a finite number"),
    ({"PLANTRACK_RECONCILE_TOLERANCE": "nan"}, "reconcile.tolerance must be a finite number"),
])
def test_a_bad_environment_value_is_refused_in_one_line(env, says):
    with pytest.raises(SettingsError) as e:
        load(None, env=env)
    assert says in str(e.value) and "\n" not in str(e.value)


def test_reconcile_takes_its_scale_from_the_environment_or_refuses_it_in_one_line(tmp_path, monkeypatch):
    db = tmp_path / "p.db"
    monkeypatch.setenv("PLANTRACK_RECONCILE_SCALE", '{"grey": 4, "blue": 5}')
    done = cli("reconcile", "--db", str(db))
    assert done.exit_code == 0, done.output
    monkeypatch.setenv("PLANTRACK_RECONCILE_SCALE", '{"grey": "four"}')
    bad = cli("reconcile", "--db", str(db))
    assert bad.exit_code == 2 and "reconcile.scale wants whole numbers" in bad.output
    assert len(bad.output.strip().splitlines()) == 1


def test_a_built_in_status_word_is_accepted_as_the_status_it_is(built, tmp_path):
    db = tmp_path / "p.db"
    shutil.copy(built, db)
    done = cli("correct", "--plan", "SDP", "--period", "2019-11", "--ref", "2.2", "--set", "rag=purple", "--db", str(db))
    assert done.exit_code == 0, done.output
    assert rows(db, "SELECT a.rag FROM actions a JOIN reports r ON r.id = a.report_id "
                    "WHERE r.period = '2019-11' AND a.ref = '2.2'") == [("grey",)]


# ---- what a new user meets first -----------------------------------------------------------------
def test_an_empty_papers_folder_is_an_error_not_a_quiet_night(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "README.md").write_text("papers go here")
    for command in ("run", "ingest"):
        done = cli(command, str(tmp_path / "raw"), "--db", str(tmp_path / "out" / "p.db"))
        assert done.exit_code == 1, done.output
        assert done.output.startswith(f"error: no papers found under {tmp_path / 'raw'} (1 note file(s)")
        assert len(done.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()  # nothing made: no database, no report


def test_report_into_a_missing_folder_is_one_line_and_makes_no_folders(built, tmp_path):
    done = cli("report", "--db", str(built), "-o", str(tmp_path / "no" / "such" / "r.html"))
    assert done.exit_code == 2
    assert done.output.strip() == (f"error: cannot write {tmp_path / 'no' / 'such' / 'r.html'}: there is no folder "
                                   f"{tmp_path / 'no'} — choose another -o")
    assert not (tmp_path / "no").exists()


def test_the_reconcile_summary_is_in_the_clerks_words(built, tmp_path):
    db = tmp_path / "p.db"
    shutil.copy(built, db)
    done = cli("reconcile", "--db", str(db))
    assert done.exit_code == 0, done.output
    line = next(line for line in done.stderr.splitlines() if line.startswith("reconciled:"))
    assert "reasons in the minutes that match no action: " in line
    assert "_" not in line and "reason without action" not in line


def test_a_docx_zip_bomb_fails_with_its_own_kind(tmp_path):
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"<w:t>" + b" " * (1 << 20) + b"</w:t>"
            for _ in range(210):  # 210 MB of markup in a file of a few hundred KB
                member.write(chunk)
    assert bomb.stat().st_size < 2 << 20
    db = store.connect(tmp_path / "p.db")
    stages.ingest([bomb], db, tmp_path / "cache")
    got = db.conn.execute("SELECT status, failure_kind, error FROM documents").fetchall()
    db.conn.close()
    assert got == [("failed", "too large", "Word document too large to read (210 MB of text and markup)")]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_installs_what_running_needs_and_make_test_adds_the_test_extra():
    root = Path(__file__).resolve().parents[1]

    def installs(target: str) -> list[str]:  # what `make TARGET` would run on a fresh machine (-B), not run
        done = subprocess.run(["make", "-n", "-B", "-C", str(root), target], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return [line for line in done.stdout.splitlines() if "pip install" in line and "--upgrade pip" not in line]

    run, test = installs("run"), installs("test")
    assert run and all(line.endswith("install --progress-bar on -e .") for line in run)
    assert test[:len(run)] == run and any(line.endswith("-e '.[test]'") for line in test[len(run):])


def test_a_word_file_saved_as_strict_open_xml_reads_like_the_same_file_saved_as_docx(tmp_path):
    from wordpapers import PRIORITY_7, WordReport, make_word_report

    from plantrack.extract.document import extract_document

    plain = make_word_report(tmp_path / "plain.docx", WordReport(rows=PRIORITY_7))
    # Word's "Strict Open XML Document": the ISO names for the same parts (ISO/IEC 29500-1 Strict)
    iso = {"http://schemas.openxmlformats.org/wordprocessingml/2006/main": "http://purl.oclc.org/ooxml/wordprocessingml/main",
           "http://schemas.openxmlformats.org/officeDocument/2006/relationships":
               "http://purl.oclc.org/ooxml/officeDocument/relationships",
           "http://schemas.openxmlformats.org/drawingml/2006/main": "http://purl.oclc.org/ooxml/drawingml/main"}
    strict = tmp_path / "strict.docx"
    with zipfile.ZipFile(plain) as z, zipfile.ZipFile(strict, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info)
            if info.filename.endswith((".xml", ".rels")):
                for old, new in iso.items():
                    data = data.replace(old.encode(), new.encode())
            out.writestr(info, data)
    assert b"purl.oclc.org" in zipfile.ZipFile(strict).read("_rels/.rels")
    want, got = extract_document(plain), extract_document(strict)
    assert got.status == "ok" and got.format == "docx" and got.kind == "plan_report", got.error
    assert [(a.ref, a.text, a.rag) for a in got.reports[0].actions] == \
        [(a.ref, a.text, a.rag) for a in want.reports[0].actions]
    assert len(want.reports[0].actions) == len(PRIORITY_7)


def test_with_ocr_installed_a_pdf_of_drawings_only_says_so_not_to_install_ocr(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from plantrack.extract import ocr
    from plantrack.extract.document import extract_document

    if not ocr.installed():
        pytest.skip("needs the OCR extra")
    path = tmp_path / "logo.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFillColorRGB(0.1, 0.3, 0.6)
    c.circle(300, 600, 80, fill=1)  # a council's crest, drawn in vector paths: no text, no picture
    c.rect(100, 200, 400, 40, fill=1)
    c.showPage()
    c.save()
    ex = extract_document(path)
    assert (ex.status, ex.error) == ("failed", "no text layer and no scanned image on any page: only drawings "
                                               "(a logo, lines or shapes), nothing to read")
    assert "pip install" not in ex.error
