"""The shapes of the workspace API: what goes in (validated here) and what comes out.

Input serializers only check shape and size; rules and permissions live in ``workspace.actions``.
Fields are snake_case and named after the model.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workspace.actions import members
from workspace.models import Invitation, Membership
from workspace.roles import Role


class StrictInputSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a typo is an error instead of a silent no-op."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - {name for name, field in self.fields.items() if not field.read_only})
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "nullable": True, "example": "KG", "description": "ISO 3166-1 alpha-2"})
class CountryCodeField(serializers.Field):
    """A country as its upper-case ISO 3166-1 alpha-2 code; null or "" for none."""

    def to_representation(self, value):
        code = getattr(value, "code", value)
        return code or None

    def to_internal_value(self, data):
        if data in (None, ""):
            return ""
        if not isinstance(data, str):
            raise serializers.ValidationError(_("Give a two-letter country code such as KG."))
        code = data.strip().upper()
        if code not in countries:
            raise serializers.ValidationError(_("%(code)s is not an ISO 3166 country code.") % {"code": data})
        return code


# Output ---------------------------------------------------------------------------------------


class AgendaSessionSerializer(serializers.Serializer):
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class WorkspaceSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="workspace.slug")
    name = serializers.CharField(source="workspace.name")
    description = serializers.CharField(source="workspace.description")
    time_zone = serializers.CharField(source="workspace.time_zone")
    agenda = AgendaSessionSerializer(source="workspace.agenda.all", many=True)
    role = serializers.ChoiceField(choices=Role.choices, help_text="Your role in this workspace.")


class MemberSerializer(serializers.ModelSerializer):
    country = CountryCodeField()

    class Meta:
        model = Membership
        fields = ["id", "display_name", "role", "country"]


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}},
        "example": {"ru": {"title": "Миссия"}, "fa-af": {"title": "مأموریت"}},
    }
)
class TranslationsField(serializers.JSONField):
    """Texts in other languages, ``{language: {field: text}}`` (checked by workspace.translations)."""


class InvitationSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    country = CountryCodeField()
    status = serializers.ChoiceField(choices=["active", "revoked", "expired", "used_up"], read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "token",
            "url",
            "role",
            "country",
            "note",
            "max_uses",
            "uses",
            "expires_at",
            "revoked",
            "status",
            "created_at",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, invitation) -> str:
        path = reverse("join", args=[invitation.token])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AcceptedInvitationSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text="False when you were already a member.")
    workspace = WorkspaceSerializer(source="membership")
    membership = MemberSerializer()


# Input ----------------------------------------------------------------------------------------


class InvitationCreateSerializer(StrictInputSerializer):
    role = serializers.ChoiceField(choices=Role.choices, default=Role.PARTICIPANT)
    country = CountryCodeField(required=False, allow_null=True)
    max_uses = serializers.IntegerField(min_value=1, max_value=members.INVITATION_USES_MAX, default=1)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(
        max_length=members.INVITATION_NOTE.max_length, required=False, allow_blank=True, default=""
    )


class InvitationAcceptSerializer(StrictInputSerializer):
    display_name = serializers.CharField(max_length=members.DISPLAY_NAME_MAX, required=False, allow_blank=True)
    country = CountryCodeField(required=False, allow_null=True)


# Cards, comments, the board snapshot ------------------------------------------------------------


# Drafts ---------------------------------------------------------------------------------------
