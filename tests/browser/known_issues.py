"""The theme's own findings that the checks accept, each with its reason, in one place.

Every entry is scoped as narrowly as the tools allow: an axe rule on one selector of
Material's own markup, a validator message on one piece of Material's own markup. The same
rule or message anywhere else (in the site's content) still fails the tests.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AxeIssue:
    rule: str  # the axe-core rule id
    selector: str  # CSS selector the violating element itself must match
    reason: str


@dataclass(frozen=True)
class ValidatorIssue:
    message: str  # the validator's message, exactly
    markup: str  # regular expression that the offending markup (the validator's "extract") matches
    reason: str


AXE: tuple[AxeIssue, ...] = (
    # None: the theme's own findings (the unnamed search dialog, the footer's low-contrast
    # copyright line, the section navigations' identical names) are repaired by hooks/a11y.py
    # and docs/assets/site.css, so every axe rule applies to every page in full.
    # `link-in-text-block` is deliberately not listed: in this theme it fires on the links of
    # the pages' own paragraphs (coloured, not underlined, 2.3:1 against the text), which the
    # site's stylesheet must fix, so it stays a failure wherever it appears.
)

VALIDATOR: tuple[ValidatorIssue, ...] = (
    ValidatorIssue(
        message="Attribute 'autocomplete' is only allowed when the input type is 'color', "
        "'date', 'datetime-local', 'email', 'hidden', 'month', 'number', 'password', 'range', "
        "'search', 'tel', 'text', 'time', 'url', or 'week'.",
        markup=r'<input class="md-toggle" data-md-toggle="(drawer|search)"',
        reason="Material's hidden checkboxes that open the drawer and the search carry "
        "autocomplete=off so that browsers do not restore them open on 'back'.",
    ),
    ValidatorIssue(
        message="Attribute 'autocorrect' not allowed on element 'input' at this point.",
        markup=r'<input type="text" class="md-search__input"',
        reason="Material's search box sets Safari's non-standard autocorrect=off.",
    ),
    ValidatorIssue(
        message="Bad value '' for attribute 'tabindex' on element 'label': "
        "The empty string is not a valid integer.",
        markup=r'<label class="md-nav__link[^"]*" for="__nav_[0-9_]+" id="__nav_[0-9_]+_label" '
        r'tabindex="">',
        reason="Material's navigation template writes an empty tabindex on the labels of "
        "navigation sections (feature navigation.sections).",
    ),
    ValidatorIssue(
        message="The value of the 'for' attribute of the 'label' element must be the ID of a "
        "non-hidden form control.",
        markup=r'<label class="md-nav__title" for="__toc">',
        reason="On a section's index page (feature navigation.indexes) Material's table of "
        "contents labels the #__toc toggle, which its navigation template writes only for "
        "ordinary pages (partials/toc.html against partials/nav-item.html).",
    ),
)
