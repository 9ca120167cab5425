"""The SYNTHETIC stories the demo shows (fictional events from seven fictional outlets): the same set the
synthetic clustering benchmark scores (benchmarks/trends_eval/, which writes it). Real labelled news is
scored by benchmarks/eval_trends_real.py."""

from __future__ import annotations

import json
from pathlib import Path

STORIES = Path(__file__).resolve().parent / "stories.jsonl"

SOURCES = [
    {"id": 1, "name": "Northwind Times", "domain": "northwindtimes.example", "language": "en"},
    {"id": 2, "name": "Global Ledger", "domain": "globalledger.example", "language": "en"},
    {"id": 3, "name": "TechPulse", "domain": "techpulse.example", "language": "en"},
    {"id": 4, "name": "The Morning Brief", "domain": "morningbrief.example", "language": "en"},
    {"id": 5, "name": "Wire Desk", "domain": "wiredesk.example", "language": "en"},
    {"id": 6, "name": "Вестник Технологий", "domain": "vestnik-tech.example", "language": "ru"},
    {"id": 7, "name": "Деловая Лента", "domain": "delovaya-lenta.example", "language": "ru"},
]


def load_stories(path: Path = STORIES) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
