from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_peer_support_practice")]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name="AttentionNotice",
            options={
                "table": "directory_attention_notice",
                "app": "directory",
                "unique_together": (("centre_id", "week"),),
                "pk_attr": "id",
                "table_description": "The weekly notice to a centre's admins about supporters needing attention, as an outbox",
            },
        ),
        ops.AlterField(
            model_name="AttentionNotice",
            name="sent_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="AttentionNotice",
            name="attempts",
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name="AttentionNotice",
            name="claimed_until",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="AttentionNotice",
            name="last_error",
            field=fields.CharField(null=True, max_length=500),
        ),
        ops.AddField(
            model_name="AttentionNotice",
            name="message",
            field=fields.CharField(default="", max_length=1000),
        ),
        ops.AddField(
            model_name="AttentionNotice",
            name="queued_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
