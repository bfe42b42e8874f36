"""Steps the browser journeys share: logging in, and looking at each page as its user and as
an accessibility checker would (language and direction, phone width, axe-core, a screenshot)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation
from tests.signin import current_code, totp_device

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
PASSWORD = "correct horse battery staple"
# The innermost elements sticking out of the screen sideways, to name them when a page is too wide.
WIDEST = """(() => {
  const out = e => { const r = e.getBoundingClientRect(); return r.left < 0 || r.right > innerWidth; };
  return [...document.body.querySelectorAll('*')].filter(e => out(e) && ![...e.children].some(out)).slice(0, 5)
    .map(e => `${e.tagName.toLowerCase()}.${e.className} ${(e.textContent || '').trim().slice(0, 40)}`);
})()"""


def tr(lang: str, message: str) -> str:
    """`message` as the interface shows it in `lang`, from the same catalogues."""
    with translation.override(lang):
        return translation.gettext(message)


def login(page, username: str, password: str = PASSWORD, lang: str = "en") -> None:
    """Log in as a person would, typing the authenticator's code when the role needs one."""
    from asylon.accounts.models import User
    from asylon.accounts.twofactor import needs_second_factor

    user = User.objects.get(username=username)
    device = totp_device(user) if needs_second_factor(user) else None
    page.goto("/accounts/login/")
    page.get_by_label(tr(lang, "Username")).fill(username)
    page.get_by_label(tr(lang, "Password")).fill(password)
    page.get_by_role("button", name=tr(lang, "Log in")).click()
    if device is not None:
        page.wait_for_url("**/accounts/two-factor/**")
        page.get_by_label(tr(lang, "Code from your authenticator app")).fill(current_code(device))
        page.get_by_role("button", name=tr(lang, "Verify")).click()
        page.wait_for_load_state()


def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("ASYLON_REQUIRE_AXE"):
            pytest.fail(f"axe-core is missing at {AXE} (run `make axe`)")
        pytest.skip("axe-core is not installed (make axe)")
    return AXE.read_text(encoding="utf-8")


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical WCAG 2.x A/AA violations on the page, one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(' '.join(n['target']) for n in v['nodes'][:5])}"
        for v in results["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


@dataclass(frozen=True)
class Setting:
    """A language and the screen it is used on."""

    lang: str
    viewport: dict
    phone: bool

    @property
    def id(self) -> str:
        return f"{self.lang}-{'phone' if self.phone else 'desktop'}"


ENGLISH_DESKTOP = Setting("en", {"width": 1280, "height": 900}, phone=False)
PERSIAN_PHONE = Setting("fa", {"width": 360, "height": 740}, phone=True)
ARABIC_PHONE = Setting("ar", {"width": 360, "height": 740}, phone=True)
# Arabic walks the same journeys on the same phone when asked (ASYLON_JOURNEYS_ARABIC=1):
# it shares the stylesheet and the code paths of Persian, so it is not in every run.
SETTINGS = [ENGLISH_DESKTOP, PERSIAN_PHONE, *([ARABIC_PHONE] if os.environ.get("ASYLON_JOURNEYS_ARABIC") else [])]
BROWSER_LOCALES = {"en": "en-GB", "fa": "fa-IR", "ar": "ar-IQ"}


@dataclass
class Journey:
    """One role's walk through the demo camp in one language, on one screen."""

    browser: object
    base_url: str
    setting: Setting
    name: str
    site: object
    step: int = 0
    contexts: list = field(default_factory=list)
    # Screenshots as artifacts/screenshots/<name>-<lang>-<step>.png rather than in a folder
    # per language: the per-role journeys name themselves after the role.
    flat_shots: bool = False

    @property
    def lang(self) -> str:
        return self.setting.lang

    def t(self, message: str) -> str:
        return tr(self.lang, message)

    def n(self, figure: object) -> str:
        """`figure` as the journey's user reads it: in the digits of their language."""
        from asylon.core.i18n import LANGUAGE_DIGITS, Digits, to_digits

        return to_digits(figure, LANGUAGE_DIGITS.get(self.lang, Digits.LATIN))

    def user(self, role: str) -> str:
        """The journey's own user of `role`: an authenticator code is good once, and two
        journeys of the same role may well log in within the same 30 seconds."""
        from asylon.accounts.models import User
        from asylon.accounts.services import create_user

        username = f"{role.replace('_', '-')}-{self.lang}-{self.name}"[:150]
        if not User.objects.filter(username=username).exists():
            create_user(actor=None, username=username, role=role, sites=[self.site], password=PASSWORD)
        return username

    def open_as(self, role: str):
        """A fresh browser (its own cookies) logged in as the journey's user of `role`."""
        context = self.browser.new_context(  # type: ignore[attr-defined]
            base_url=self.base_url,
            viewport=self.setting.viewport,
            is_mobile=self.setting.phone,
            has_touch=self.setting.phone,
            locale=BROWSER_LOCALES[self.lang],
            # axe-core is injected as an inline script, which the app's CSP rightly forbids.
            bypass_csp=True,
            accept_downloads=True,
        )
        self.contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        self.see(page, "login")
        login(page, self.user(role), lang=self.lang)
        return page

    def see(self, page, what: str) -> None:
        """Check the page as its reader meets it, and keep a screenshot of it."""
        page.wait_for_load_state()
        self.step += 1
        page.screenshot(path=str(self.shot_path(what)), full_page=True)
        html = page.locator("html")
        assert html.get_attribute("lang") == self.lang, f"{page.url} is not in {self.lang}"
        assert html.get_attribute("dir") == ("rtl" if self.lang in ("fa", "ar") else "ltr"), page.url
        if self.setting.phone:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= self.setting.viewport["width"], f"{page.url} is {width}px wide on a phone: " + ", ".join(
                page.evaluate(WIDEST)
            )
        violations = serious_violations(page)
        assert not violations, f"accessibility violations on {page.url}:\n" + "\n".join(violations)

    def shot_path(self, what: str) -> Path:
        if self.flat_shots:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            return SCREENSHOTS / f"{self.name}-{self.lang}-{self.step:02d}-{what}.png"
        folder = SCREENSHOTS / self.lang
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{self.name}-{self.step:02d}-{what}.png"

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def confirm_if_asked(page, expect: Iterable[str] = (), journey: Journey | None = None, what: str = "confirm") -> bool:
    """Go through the confirmation page of a big act, if the act asks for one.

    The convention: the page shows what will change in #confirm-summary and carries a form
    with a hidden confirm=yes and a primary submit button. When it is there, its summary must
    read every text in `expect` (figures in the reader's digits, names), it is checked and
    kept as a screenshot, and the act is confirmed. Returns whether a confirmation was asked."""
    page.wait_for_load_state()
    summary = page.locator("#confirm-summary")
    if summary.count() == 0:
        return False
    text = " ".join(summary.inner_text().split())
    missing = [e for e in expect if " ".join(e.split()) not in text]
    assert not missing, f"the confirmation on {page.url} does not say {missing}; it reads: {text}"
    if journey is not None:
        journey.see(page, what)
    form = page.locator("form:has(input[type=hidden][name=confirm][value=yes])")
    assert form.count() == 1, f"{page.url} asks for a confirmation without one confirm=yes form"
    button = form.locator("button[type=submit].primary")
    if button.count() == 0:
        button = form.locator("button[type=submit]")
    with page.expect_navigation():
        button.first.click()
    page.wait_for_load_state()
    return True


PUNCTUATION = str.maketrans(dict.fromkeys(",.;:()[]!?\u060c\u061b\u066b\u066c", " "))


def plain(text: str) -> str:
    """Text as a PDF's extracted text is compared, the same on both sides: words and figures in
    reading order, and only what pdftotext keeps of right-to-left scripts. Presentation forms
    are folded back to letters (NFKD); bidi marks and embeddings become spaces; the marks above
    and below letters (harakat, hamza, madda), the zero-width non-joiner and alef are dropped,
    because pdftotext detaches the first, loses the second and turns lam-alef ligatures round;
    punctuation, which bidi moves about a number, is dropped; a figure is parted from the
    letters it touches; spaces are collapsed."""
    import unicodedata

    # Alef and alef maksura: pdftotext turns their lam ligatures round.
    dropped = {"\u200c", "\u200d", "\u0627", "\u0671", "\u0649"}  # joiners inside a word; alefs
    folded = "".join(
        "" if c in dropped or unicodedata.category(c) == "Mn" else " " if unicodedata.category(c) == "Cf" else c
        for c in unicodedata.normalize("NFKD", text)
    )
    # A figure and the word it is written against ("و١٣") come apart in right-to-left text.
    folded = re.sub(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)", " ", folded)
    return " ".join(folded.translate(PUNCTUATION).split())


def pdf_text(path) -> str:
    """The text of a PDF as pdftotext reads it, made `plain` so that a sentence made `plain`
    can be looked for in it."""
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        if os.environ.get("ASYLON_REQUIRE_BROWSER"):
            pytest.fail("pdftotext is missing (make system-deps)")
        pytest.skip("pdftotext is missing (make system-deps)")
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)  # noqa: S603, S607
    return plain(out.stdout.decode("utf-8"))


def menu(page, name: str, *, exact: bool = False):
    """A link of the main menu, as a person reaches it: on a phone its group is closed and
    opens first (a wide screen shows every group open)."""
    page.wait_for_load_state()
    link = page.locator("nav.menu").get_by_role("link", name=name, exact=exact)
    if not link.is_visible():
        # A closed group's links are out of the accessibility tree: find the group by its text.
        text = re.compile(f"^\\s*{re.escape(name)}\\s*$") if exact else name
        group = page.locator("nav.menu li.group").filter(has=page.locator("a").filter(has_text=text))
        group.locator("summary").click()
    return link
