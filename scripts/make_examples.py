"""Write example committee papers into data/raw/ so `plantrack run` has something to chew on.

Two consecutive monthly reports of Kingsgate's Service Development Plan (statuses change, one
completed action leaves, one action joins), the sub-committee minutes that discuss the later one,
and a Brackenshire CSIP report. The papers come from tests/paperfactory/; re-running gives
byte-identical files.

    PYTHONPATH=tests .venv/bin/python scripts/make_examples.py [output folder]
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    from paperfactory import csip_spec, make_minutes, make_report, sdp_minutes_spec, sdp_spec
except ModuleNotFoundError:  # the generator lives with the tests; it is not installed with plantrack
    raise SystemExit("the paper generator is in tests/: run PYTHONPATH=tests .venv/bin/python scripts/make_examples.py") from None

# "Example_" keeps these apart from the sample corpus, whose papers have similar names.
PAPERS = {
    # October is laid out like the sample's: rows move whole to the next page rather than split.
    "Example_SDP_2019-20_progress_update_October_2019.pdf":
        (make_report, lambda: sdp_spec("2019-10", split_rows=False)),
    "Example_SDP_2019-20_progress_update_November_2019.pdf":
        (make_report, lambda: sdp_spec("2019-11")),
    "Example_Minutes_Childrens_Safeguarding_Sub-Committee_12_December_2019.pdf":
        (make_minutes, sdp_minutes_spec),
    "Example_Childrens_Services_Improvement_Plan_June_2022.pdf":
        (make_report, lambda: csip_spec("2022-06")),
}


def main(out: Path = ROOT / "data" / "raw") -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, (make, spec) in PAPERS.items():
        truth = make(out / name, spec())
        print(f"{out / name}  ({truth.pages} pages)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data" / "raw")
