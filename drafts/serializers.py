from rest_framework import serializers

from workspace.serializers import StrictInputSerializer


class EditorSerializer(serializers.Serializer):
    display_name = serializers.CharField()
    country = serializers.CharField(allow_null=True)


class RevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    automatic = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    editors = EditorSerializer(many=True, help_text="who edited since the previous revision")
    length = serializers.IntegerField()


class RevisionDetailSerializer(RevisionSerializer):
    markdown = serializers.CharField()
    html = serializers.CharField()


class DraftSerializer(serializers.Serializer):
    markdown = serializers.CharField()
    html = serializers.CharField(help_text="sanitized")
    length = serializers.IntegerField()
    latest_revision = RevisionSerializer(allow_null=True)


class DiffLineSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=["same", "added", "removed"])
    text = serializers.CharField()


class DiffSerializer(serializers.Serializer):
    source = serializers.IntegerField(help_text="revision number compared from")
    target = serializers.IntegerField(help_text="revision number compared to")
    lines = DiffLineSerializer(many=True)


class RevisionCreateSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
