from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CharterConfig(AppConfig):
    """The charter: composed from the boards, published as frozen versions, exported (above voting
    and workspace; nothing below imports it)."""

    name = "charter"
    verbose_name = _("Charter")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The stewards' workspace archive carries every published version, as published.
        from workspace.data_export import register_archive_files

        register_archive_files(charter_files)


def charter_files(workspace):
    import json

    from charter.models import CharterVersion

    for version in CharterVersion.objects.filter(workspace=workspace).order_by("number"):
        yield f"charter/v{version.number}.md", version.markdown.encode()
        meta = {
            "number": version.number,
            "title": version.title,
            "published_at": version.published_at.isoformat(),
            "sha256": version.sha256,
            "content": version.content,
        }
        yield f"charter/v{version.number}.json", json.dumps(meta, ensure_ascii=False, indent=2).encode()
