"""`make bench`: run every benchmarks/bench_*.py, then every quality evaluation (eval_*.py), each in its own
process."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = []
    for path in [*sorted(HERE.glob("bench_*.py")), *sorted(HERE.glob("eval_*.py"))]:
        module = f"benchmarks.{path.stem}"
        print(f"=== {module}", flush=True)
        if subprocess.run([sys.executable, "-m", module], cwd=HERE.parent).returncode != 0:
            failed.append(module)
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
