"""The charter API: composition and preview (facilitators and stewards), versions (every member),
publishing (stewards), diffs and exports in four formats."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from charter import actions
from charter.compose import charter_settings, sha256, version_diff
from charter.exports import FORMATS, ExportFile
from charter.models import CharterVersion
from workspace.access import access_workspace
from workspace.api import validated
from workspace.errors import WorkspaceError
from workspace.ratelimit import check_rate
from workspace.serializers import StrictInputSerializer


class SettingsSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=actions.TITLE_MAX, required=False, allow_blank=True)
    custom_boards = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)
    revisions = serializers.DictField(child=serializers.IntegerField(min_value=1, allow_null=True), required=False)
    list_adopted = serializers.BooleanField(required=False)
    adopted_boards = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=100)
    appendix = serializers.BooleanField(required=False)

    def validate_revisions(self, value: dict) -> dict:
        if len(value) > 100 or not all(str(key).isdigit() and len(str(key)) < 12 for key in value):
            raise serializers.ValidationError(_("Revisions are given per board: {\"<board id>\": <revision number>}."))
        return value


class PublishSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=actions.TITLE_MAX, required=False, allow_blank=True, default="")
    appendix = serializers.BooleanField(required=False)


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    published_at = serializers.DateTimeField()
    published_by = serializers.CharField(allow_null=True)
    sha256 = serializers.CharField()


class VersionDetailSerializer(VersionSerializer):
    content = serializers.JSONField()
    markdown = serializers.CharField()


class CharterSerializer(serializers.Serializer):
    settings = serializers.JSONField()
    preview = serializers.JSONField(help_text="The charter as it stands now: sections, rounds, appendix.")
    markdown = serializers.CharField()
    sha256 = serializers.CharField(help_text="of the preview's Markdown (changes with every edit)")


def settings_data(settings) -> dict:
    return {
        "title": settings.title,
        "custom_boards": settings.custom_boards,
        "revisions": settings.revisions,
        "list_adopted": settings.list_adopted,
        "adopted_boards": settings.adopted_boards,
        "appendix": settings.appendix,
    }


def version_data(version: CharterVersion, *, full: bool = False) -> dict:
    data = {
        "number": version.number,
        "title": version.title,
        "published_at": version.published_at.isoformat(),
        "published_by": version.published_by.display_name if version.published_by else None,
        "sha256": version.sha256,
    }
    if full:
        data.update(content=version.content, markdown=version.markdown)
    return data


# An export answers with its format's own media type (the path's extension chooses it).
EXPORT_RESPONSES = {(200, media_type.split(";")[0]): OpenApiTypes.BINARY for media_type in FORMATS.values()}


def _version(workspace, number) -> CharterVersion:
    version = CharterVersion.objects.filter(workspace=workspace, number=number).select_related("published_by").first()
    if version is None:
        raise WorkspaceError.not_found(_("No such version."))
    return version


class CharterView(GenericAPIView):
    """The composition and the live preview (facilitators and stewards); stewards change the composition."""

    serializer_class = CharterSerializer

    def get(self, request, slug):
        membership = access_workspace(request.user, slug)
        charter = actions.preview_charter(membership=membership)
        return Response(
            {
                "settings": settings_data(charter_settings(membership.workspace)),
                "preview": charter.content,
                "markdown": charter.markdown,
                "sha256": sha256(charter.markdown),
            }
        )

    @extend_schema(request=SettingsSerializer, responses={200: CharterSerializer})
    def patch(self, request, slug):
        membership = access_workspace(request.user, slug)
        actions.update_settings(membership=membership, **validated(SettingsSerializer, request))
        return self.get(request, slug)


class VersionListView(GenericAPIView):
    """Published versions (every member); a steward publishes the next one."""

    serializer_class = VersionSerializer
    pagination_class = None

    @extend_schema(responses=VersionSerializer(many=True), operation_id="workspaces_charter_versions_list")
    def get(self, request, slug):
        membership = access_workspace(request.user, slug)
        versions = CharterVersion.objects.filter(workspace=membership.workspace).select_related("published_by")
        return Response([version_data(v) for v in versions])

    @extend_schema(request=PublishSerializer, responses={201: VersionDetailSerializer})
    def post(self, request, slug):
        membership = access_workspace(request.user, slug)
        data = validated(PublishSerializer, request) if request.data else {}
        version = actions.publish_version(membership=membership, **data)
        return Response(version_data(version, full=True), status=status.HTTP_201_CREATED)


class VersionDetailView(GenericAPIView):
    """One published version: its frozen content, Markdown and SHA-256."""

    serializer_class = VersionDetailSerializer

    def get(self, request, slug, number):
        membership = access_workspace(request.user, slug)
        return Response(version_data(_version(membership.workspace, number), full=True))


class VersionDiffView(GenericAPIView):
    """Two versions compared section by section."""

    serializer_class = serializers.Serializer
    may_refuse = (429,)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, slug, number, other):
        membership = access_workspace(request.user, slug)
        check_rate("diff", membership.pk)
        source, target = _version(membership.workspace, number), _version(membership.workspace, other)
        sections = version_diff(source.content, target.content)
        return Response({"source": number, "target": other, "sections": sections})


def _download(export: ExportFile) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


class VersionExportView(GenericAPIView):
    """A published version as Markdown, HTML, PDF or DOCX (every member): rendered once, then served
    as stored; 429 with Retry-After while the member's previous export (or too many) is rendering."""

    serializer_class = serializers.Serializer
    may_refuse = (429,)

    @extend_schema(responses=EXPORT_RESPONSES)
    def get(self, request, slug, number, fmt):
        membership = access_workspace(request.user, slug)
        version = _version(membership.workspace, number)
        return _download(actions.export_version(membership=membership, version=version, fmt=fmt))


class PreviewExportView(GenericAPIView):
    """The live preview as Markdown, HTML, PDF or DOCX (facilitators and stewards)."""

    serializer_class = serializers.Serializer
    may_refuse = (429,)

    @extend_schema(responses=EXPORT_RESPONSES)
    def get(self, request, slug, fmt):
        membership = access_workspace(request.user, slug)
        return _download(actions.export_preview(membership=membership, fmt=fmt))


class ConsentSerializer(StrictInputSerializer):
    show_name_in_charter = serializers.BooleanField()


class MyConsentView(GenericAPIView):
    """Whether the published charter may name you among its contributors (default: no)."""

    serializer_class = ConsentSerializer

    @extend_schema(request=ConsentSerializer, responses={200: ConsentSerializer})
    def patch(self, request, slug):
        from workspace import actions as workspace_actions

        membership = access_workspace(request.user, slug)
        data = validated(ConsentSerializer, request)
        membership = workspace_actions.set_charter_consent(membership=membership, consent=data["show_name_in_charter"])
        return Response({"show_name_in_charter": membership.show_name_in_charter})
