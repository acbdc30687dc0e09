"""A variable a server reads only to hand it to the browser, never to dial it itself.

thangchung/go-coffeeshop's `web` reads REVERSE_PROXY_URL (`http://localhost:5000`, the port `proxy`
publishes) with `os.LookupEnv` and returns it from `/reverse-proxy-url` as `c.JSON(http.StatusOK,
UrlModel{Url: reverseProxyURL})`; its page's script fetches that and calls the proxy from the developer's
browser, where `localhost:5000` is right and `proxy:5000` would not resolve. The server reads the
variable, but what it does with it is a response body, not a connection.

Read, never run, and only where the code says so plainly: Go's `name := os.Getenv("KEY")` (or
`name, ok := os.LookupEnv("KEY")`, a function's own variable) whose every other use in the file is an
emptiness check (`name == ""`) or sits inside the arguments of a response call (echo's and gin's
`c.JSON(...)`, `c.HTML`, `c.Render`, a template's `Execute`, `json.NewEncoder(w).Encode`,
`json.Marshal`), at least one of them; or `os.Getenv("KEY")` written inside such a call itself. Any other
use (an http client's, a struct field of a config handed on, a package variable other files may read)
is a dial as before.
"""

from __future__ import annotations

import re

from doctor.lazyre import lazy

# a call whose arguments become a response body: echo/gin/fiber's JSON and HTML writers, a template's data
_RESPONSE = lazy(r"\.(?:JSON|JSONP|JSONPretty|IndentedJSON|PureJSON|SecureJSON|HTML|Render|Execute|"
                 r"ExecuteTemplate|Encode|Marshal|MarshalIndent)$")
_CALLEE = lazy(r"[\w.]*$")  # the name before a call's `(`: `c.JSON`, `json.NewEncoder(w).Encode` -> `.Encode`
_EMPTY_CHECK = lazy(r"""\s*[!=]=\s*""|""\s*[!=]=\s*|\blen\(\s*$""")


def hands_to_browser(name: str, text: str, suffix: str) -> bool:
    """Whether the source reads the variable only to put it in a response (see the module docstring).
    Go alone today; any other language's file says False (its read is a dial, as before)."""
    if suffix.lower() != ".go" or name not in text:
        return False
    key = re.escape(name)
    reads = list(re.finditer(rf"""\bos\.(?:Getenv|LookupEnv)\(\s*"{key}"\s*\)""", text))
    if not reads or len(reads) != text.count(f'"{name}"'):
        return False  # the name also stands elsewhere (a struct tag, a helper's argument): not plain
    handed = False
    for read in reads:
        start = text.rfind("\n", 0, read.start()) + 1
        bound = re.fullmatch(r"\s*(\w+)(?:\s*,\s*\w+)?\s*:=\s*", text[start:read.start()])
        if bound is None:
            if not _in_response(text, read.start()):
                return False
            handed = True
            continue
        uses = [m.start() for m in re.finditer(rf"\b{re.escape(bound[1])}\b", text) if m.start() > read.end()]
        for at in uses:
            if _in_string(text, at):
                continue
            line_start = text.rfind("\n", 0, at) + 1
            line_end = text.find("\n", at)
            before, after = text[line_start:at], text[at + len(bound[1]):line_end if line_end >= 0 else None]
            if _EMPTY_CHECK.search(before[-8:]) or _EMPTY_CHECK.match(after):
                continue
            if not _in_response(text, at):
                return False
            handed = True
    return handed


def _in_response(text: str, at: int) -> bool:
    """Whether position `at` is an argument of a response call: the first call around it, past the composite
    literals it stands in (`UrlModel{Url: x}`, `map[string]string{"url": x}`, gofmt's `Type{` with no
    blank), is one; looking back at most 2,000 characters. Inside another call (`c.JSON(200, fetch(x))`)
    or a block it is not."""
    depth = 0
    for index in range(at - 1, max(0, at - 2000) - 1, -1):
        char = text[index]
        if char in ")]}":
            depth += 1
        elif char in "([{":
            if depth:
                depth -= 1
            elif char == "(":
                callee = _CALLEE.search(text, max(0, index - 200), index)
                return callee is not None and _RESPONSE.search(callee[0]) is not None
            elif char == "{" and not (index and (text[index - 1].isalnum() or text[index - 1] in "_]")):
                return False  # a block's brace: the use is a statement of its own
    return False


def _in_string(text: str, at: int) -> bool:
    """Whether position `at` is inside a "..." literal of its line (a log message naming the variable)."""
    line = text[text.rfind("\n", 0, at) + 1:at].replace('\\\\', "").replace('\\"', "")
    return line.count('"') % 2 == 1 or line.count("`") % 2 == 1
