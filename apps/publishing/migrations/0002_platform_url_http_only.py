"""Links stored before only http(s) was accepted: anything else (javascript:, data:...) is cleared."""

from django.db import migrations
from django.db.models import Q


def clear_unsafe_links(apps, schema_editor):
    Publication = apps.get_model("publishing", "Publication")
    safe = Q(platform_url="") | Q(platform_url__istartswith="http://") | Q(platform_url__istartswith="https://")
    Publication.objects.exclude(safe).update(platform_url="")


class Migration(migrations.Migration):
    dependencies = [("publishing", "0001_initial")]

    operations = [migrations.RunPython(clear_unsafe_links, migrations.RunPython.noop)]
