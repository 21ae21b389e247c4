"""The charter page: preview, versions, publishing, comparing, downloading, and naming consent."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from charter import actions
from charter.compose import charter_boards, charter_settings, compose, lists_adopted, version_diff
from charter.exports import Charter
from charter.models import CharterVersion
from drafts.models import DraftRevision
from workspace import actions as workspace_actions
from workspace.access import access_workspace
from workspace.errors import WorkspaceError
from workspace.forms import BadFormValue, form_id
from workspace.ratelimit import check_rate
from workspace.roles import can
from workspace.translations import is_rtl, translation_languages
from workspace.views import member_page, workspace_context


def _diff(workspace, numbers: str):
    """The comparison asked for with ``?diff=1,2``, or None."""
    try:
        first, second = (form_id(n, field="diff") for n in numbers.split(","))
    except (ValueError, BadFormValue):
        return None
    versions = {v.number: v for v in CharterVersion.objects.filter(workspace=workspace, number__in=[first, second])}
    if first not in versions or second not in versions:
        return None
    return {
        "first": first,
        "second": second,
        "sections": version_diff(versions[first].content, versions[second].content),
    }


@member_page
@require_http_methods(["GET", "POST"])
def charter_page(request, slug):
    membership = access_workspace(request.user, slug)
    workspace = membership.workspace
    if request.method == "POST":
        try:
            if request.POST.get("do") == "consent":
                workspace_actions.set_charter_consent(
                    membership=membership, consent=request.POST.get("consent") == "on"
                )
                messages.success(request, _("Your choice is saved."))
            elif request.POST.get("do") == "publish":
                version = actions.publish_version(
                    membership=membership,
                    title=request.POST.get("title", ""),
                    appendix=request.POST.get("appendix") == "on",
                )
                messages.success(request, _("Version %(number)s is published.") % {"number": version.number})
            elif request.POST.get("do") == "settings":
                revisions = {
                    str(form_id(key.removeprefix("revision-"), field=key)): form_id(value, field=key)
                    for key, value in request.POST.items()
                    if key.startswith("revision-") and value
                }
                actions.update_settings(
                    membership=membership,
                    title=request.POST.get("title", ""),
                    translations={
                        code: {"title": request.POST.get(f"title-{code}", "")}
                        for code, _name in translation_languages()
                    },
                    custom_boards=[form_id(v, field="custom_boards") for v in request.POST.getlist("custom_boards")],
                    revisions=revisions,
                    list_adopted=request.POST.get("list_adopted") == "on",
                    adopted_boards=[form_id(v, field="adopted_boards") for v in request.POST.getlist("adopted_boards")],
                    appendix=request.POST.get("appendix") == "on",
                )
                messages.success(request, _("The composition is saved."))
        except WorkspaceError as error:
            messages.error(request, error.message)
        return redirect("charter", slug=slug)

    context = workspace_context(request, membership)
    versions = list(
        CharterVersion.objects.filter(workspace=workspace).select_related("published_by").order_by("-number")
    )
    diff = None
    if request.GET.get("diff"):
        try:
            check_rate("diff", membership.pk)
            diff = _diff(workspace, request.GET["diff"])
        except WorkspaceError as error:
            messages.error(request, error.message)
    context.update(versions=versions, diff=diff)
    if versions:  # everyone reads the latest published version here, not only in a download
        latest = actions.version_charter(versions[0])
        context.update(latest=versions[0], latest_title=latest.title, latest_parts=latest.html_parts())
    if can(membership.role, "manage_boards"):
        settings = charter_settings(workspace)
        preview = Charter(compose(workspace), number=None, published_at=None, sha=None)
        boards = context["boards"]
        context.update(
            preview=preview,
            preview_title=preview.title,
            title_languages=[
                (code, name, is_rtl(code), ((settings.translations or {}).get(code) or {}).get("title", ""))
                for code, name in translation_languages()
            ],
            preview_parts=preview.html_parts(),
            settings=settings,
            custom_boards=[b for b in boards if b.kind == "custom"],
            revision_choices=[
                (
                    board,
                    list(DraftRevision.objects.filter(board=board).order_by("-number")),
                    (settings.revisions or {}).get(str(board.pk)),
                    lists_adopted(settings, board),
                )
                for board in charter_boards(workspace, settings)
            ],
        )
    return render(request, "charter/page.html", context)
