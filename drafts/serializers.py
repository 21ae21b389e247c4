from rest_framework import serializers

from boards.serializers import AuthorSerializer, CardSerializer, PayloadSerializer
from drafts.actions import REVISION_NAME_MAX
from drafts.models import Amendment, AmendmentState
from drafts.selectors import amendment_data
from workspace.serializers import StrictInputSerializer


class EditorSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, help_text="the member (revisions saved before 2026-12 have none)")
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
    name = serializers.CharField(max_length=REVISION_NAME_MAX, required=False, allow_blank=True, default="")


class AmendmentSerializer(PayloadSerializer):
    payload = staticmethod(amendment_data)

    id = serializers.IntegerField()
    number = serializers.IntegerField(help_text="per board: amendment 1, 2, …")
    board = serializers.IntegerField()
    card = CardSerializer(help_text="its card: author, status; comments and dots go to this card's id")
    change = serializers.ChoiceField(choices=["replace", "delete", "insert"])
    original = serializers.CharField(help_text="the passage's words when it was written (empty: an insertion)")
    proposed = serializers.CharField(help_text="the words proposed instead (empty: a deletion)")
    reason = serializers.CharField()
    diff = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='word by word: [["same" | "removed" | "added", text], ...]',
    )
    state = serializers.ChoiceField(choices=AmendmentState.choices)
    outdated = serializers.BooleanField(help_text="the passage's words changed since it was written")
    current = serializers.CharField(allow_null=True, help_text="the passage's words now, when outdated")
    anchor = serializers.DictField(help_text="start and end as Yjs relative positions (JSON)")
    supported_by = serializers.ListField(child=serializers.IntegerField(), help_text='member ids of its "+1"s')
    decided_by = AuthorSerializer(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField()
    applied_anyway = serializers.BooleanField(help_text="accepted although outdated")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(allow_null=True)


class AmendmentCreateSerializer(StrictInputSerializer):
    original = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        max_length=Amendment.WORDS_MAX,
        help_text="the selected words; empty to insert",
    )
    proposed = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        max_length=Amendment.WORDS_MAX,
        help_text="the new words; empty to delete",
    )
    reason = serializers.CharField(allow_blank=True, required=False, default="", max_length=Amendment.REASON_MAX)
    start = serializers.IntegerField(
        min_value=0,
        required=False,
        allow_null=True,
        help_text="where the selection starts in the draft as you saw it (characters; needed to insert)",
    )


class AmendmentUpdateSerializer(StrictInputSerializer):
    proposed = serializers.CharField(
        allow_blank=True, trim_whitespace=False, max_length=Amendment.WORDS_MAX, required=False
    )
    reason = serializers.CharField(allow_blank=True, required=False, max_length=Amendment.REASON_MAX)
    refresh = serializers.BooleanField(
        required=False, default=False, help_text="take the passage's words as they are now as the original"
    )


class AmendmentRejectSerializer(StrictInputSerializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="", max_length=Amendment.REASON_MAX)


class AmendmentDecisionSerializer(AmendmentRejectSerializer):
    anyway = serializers.BooleanField(
        required=False, default=False, help_text="apply although the passage changed (having compared)"
    )
