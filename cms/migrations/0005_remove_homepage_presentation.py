from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cms", "0004_home_content_and_legal_pages")]

    operations = [migrations.RemoveField(model_name="homepage", name="presentation")]
