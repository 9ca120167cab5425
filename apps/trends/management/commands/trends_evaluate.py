from django.core.management.base import BaseCommand

from apps.trends.evaluation.evaluate import main


class Command(BaseCommand):
    help = "Score the trend clustering on the labelled set (B-cubed P/R/F1, NMI) and write benchmarks/RESULTS.md."

    def add_arguments(self, parser):
        parser.add_argument("--no-write", action="store_true", help="print only; do not update RESULTS.md")

    def handle(self, *args, **options):
        main(write=not options["no_write"])
