"""The texts page: a steward gives the workspace's name and description, the boards' titles and
guiding questions and the agenda's titles in every language of the site, one language at a time,
each beside the text it translates (workspace.translations)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from boards import actions as board_actions
from boards.actions.boards import BOARD_TEXTS
from facilitation import actions as facilitation_actions
from workspace import actions as workspace_actions
from workspace.access import access_workspace
from workspace.actions.members import SESSION_TEXTS, WORKSPACE_TEXTS
from workspace.errors import WorkspaceError
from workspace.roles import can
from workspace.translations import TextField, is_rtl
from workspace.views import member_page, workspace_context


class TextsForm(forms.Form):
    """Every translatable text of a workspace in one language: ``<kind>-<id>-<field>`` fields."""

    def __init__(self, workspace, boards, sessions, language: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language = language
        self.base = language == settings.LANGUAGE_CODE
        self.groups = []
        attrs = {"lang": language, "dir": "rtl" if is_rtl(language) else "ltr"}
        if self.base:
            attrs["dir"] = "auto"
        self.groups.append(self._group(_("The workspace"), "workspace", workspace, WORKSPACE_TEXTS, attrs))
        for board in boards:
            self.groups.append(self._group(board.title, f"board-{board.pk}", board, BOARD_TEXTS, attrs))
        if sessions:
            rows = [
                self._row(f"session-{s.pk}", s, "title", SESSION_TEXTS["title"], attrs, number=n)
                for n, s in enumerate(sessions, start=1)
            ]
            self.groups.append({"heading": _("The agenda"), "rows": rows})

    LABELS = {
        "name": lambda: _("Name"),
        "description": lambda: _("Description"),
        "title": lambda: _("Title"),
        "guiding_question": lambda: _("Guiding question"),
    }

    def _group(self, heading, prefix, obj, texts: dict[str, TextField], attrs) -> dict:
        return {"heading": heading, "rows": [self._row(prefix, obj, f, spec, attrs) for f, spec in texts.items()]}

    def _row(self, prefix, obj, field, spec: TextField, attrs, number: int | None = None) -> dict:
        name = f"{prefix}-{field}"
        original = getattr(obj, field)
        given = original if self.base else ((obj.translations or {}).get(self.language) or {}).get(field, "")
        if not self.base:
            attrs = {**attrs, "aria-describedby": f"id_{name}_original"}
        widget = forms.TextInput(attrs) if spec.one_line else forms.Textarea({**attrs, "rows": 3})
        # The default language's name and titles cannot be emptied; another language's text can
        # (the reader then sees the default one).
        required = self.base and field in ("name", "title")
        label = self.LABELS[field]() if number is None else _("Session %(number)d") % {"number": number}
        self.fields[name] = forms.CharField(
            label=label, max_length=spec.max_length, required=required, initial=given, widget=widget, strip=True
        )
        return {"field": name, "obj": obj, "attr": field, "original": original, "changed": given}

    def rows(self):
        for group in self.groups:
            yield from group["rows"]

    def bound_groups(self):
        return [
            {"heading": g["heading"], "rows": [{**row, "bound": self[row["field"]]} for row in g["rows"]]}
            for g in self.groups
        ]


def _save(form: TextsForm, membership, workspace) -> int:
    """Give every changed text to its action; how many objects changed."""
    per_object: dict = {}
    for row in form.rows():
        value = form.cleaned_data[row["field"]]
        if value != row["changed"]:
            per_object.setdefault(row["obj"], {})[row["attr"]] = value
    for obj, texts in per_object.items():
        given = texts if form.base else {"translations": {form.language: texts}}
        if obj is workspace:
            workspace_actions.update_workspace(workspace=workspace, by=membership, **given)
        elif obj._meta.model_name == "board":
            board_actions.update_board(board=obj, by=membership, **given)
        else:
            facilitation_actions.retitle_session(session=obj, by=membership, **given)
    return len(per_object)


@member_page
@require_http_methods(["GET", "POST"])
def texts_page(request, slug):
    membership = access_workspace(request.user, slug)
    if not can(membership.role, "describe_workspace"):
        raise PermissionDenied(_("Only stewards can change the workspace's texts."))
    workspace = membership.workspace
    languages = dict(settings.LANGUAGES)
    language = request.POST.get("language") or request.GET.get("language") or request.LANGUAGE_CODE
    if language not in languages:
        if request.method == "POST":  # never guess which texts a form meant to change
            return HttpResponseBadRequest(_("“%(code)s” is not a language of this site.") % {"code": language})
        language = settings.LANGUAGE_CODE
    context = workspace_context(request, membership)
    boards, sessions = context["boards"], list(workspace.agenda.all())
    form = TextsForm(workspace, boards, sessions, language, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = _save(form, membership, workspace)
        except WorkspaceError as error:
            form.add_error(None, error.message)
        else:
            if changed:
                messages.success(request, _("The texts in %(language)s are saved.") % {"language": languages[language]})
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(f"{reverse('texts', args=[slug])}?language={language}")
    context.update(
        form=form,
        groups=form.bound_groups(),
        language=language,
        language_name=languages[language],
        language_rtl=is_rtl(language),
        is_base=form.base,
        base_name=languages[settings.LANGUAGE_CODE],
        base_code=settings.LANGUAGE_CODE,
        languages=[(code, name, is_rtl(code)) for code, name in settings.LANGUAGES],
    )
    return render(request, "facilitation/texts.html", context, status=400 if form.errors else 200)
