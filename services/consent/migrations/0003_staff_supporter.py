from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("consent", "0002_wellbeing_goals")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Staff",
            name="supporter_id",
            field=fields.CharField(null=True, unique=True, max_length=40),
        ),
    ]
