"""The raw pdfplumber baseline: every page of the given PDFs opened, its tables found and its text
extracted, then closed. Prints {"pages": N, "seconds": wall, "cpu_seconds": cpu} as JSON.

Timed from the first open (after `import pdfplumber`), so interpreter start-up is not counted here,
while the pipeline figures include it: the comparison leans against the pipeline, never for it."""
import json
import sys
import time

import pdfplumber


def main(paths: list[str]) -> None:
    wall, cpu, pages = time.perf_counter(), time.process_time(), 0
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.find_tables()
                page.extract_text()
                page.close()
                pages += 1
    print(json.dumps({"pages": pages, "seconds": time.perf_counter() - wall,
                      "cpu_seconds": time.process_time() - cpu}))


if __name__ == "__main__":
    main(sys.argv[1:])
