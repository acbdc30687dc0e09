"""A variable a server reads only to hand it to the browser, never to dial it itself.

thangchung/go-coffeeshop's `web` reads REVERSE_PROXY_URL (`http://localhost:5000`, the port `proxy`
publishes) with `os.LookupEnv` and returns it from `/reverse-proxy-url` as `c.JSON(http.StatusOK,
UrlModel{Url: reverseProxyURL})`; its page's script fetches that and calls the proxy from the developer's
browser, where `localhost:5000` is right and `proxy:5000` would not resolve. The server reads the
variable, but what it does with it is a response body, not a connection.

Read, never run, and only where the code says so plainly: Go's `name := os.Getenv("KEY")` (or
`name, ok := os.LookupEnv("KEY")`, a function's own variable) whose every other use in the file is an
emptiness check (`name == ""`) or sits inside the arguments of a call that writes the HTTP response
(echo's, gin's and fiber's `c.JSON(...)`, `c.HTML`, `c.Render` on a plain receiver; a template's
`Execute`/`ExecuteTemplate` whose first argument is the handler's writer, a parameter typed
`http.ResponseWriter`, `c.Response()` or `c.Writer`; `json.NewEncoder(w).Encode` on such a writer), at
least one of them; or `os.Getenv("KEY")` written inside such a call itself. Any other use (an http
client's, go-resty's `R().Execute(method, url)`, a template executed into a config file, `json.Marshal`,
whose bytes may go to a request, a struct field of a config handed on, a package variable other files may
read) is a dial as before.
"""

from __future__ import annotations

import re

from doctor.lazyre import lazy

# a call on a handler's context (`c.JSON`, `ctx.HTML`) whose arguments become the response body
_RESPONSE = lazy(r"(?<![\w.)])\w+\.(?:JSON|JSONP|JSONPretty|IndentedJSON|PureJSON|SecureJSON|AsciiJSON|HTML|"
                 r"Render)$")
# a template's: the response only when its first argument is the handler's writer
_TEMPLATE = lazy(r"\.(?:Execute|ExecuteTemplate)$")
_ENCODER = lazy(r"\bNewEncoder\(\s*([\w.()]+?)\s*\)\s*\.Encode$")  # json.NewEncoder(w).Encode
_CALLEE = lazy(r"[\w.]*$")  # the name before a call's `(`: `c.JSON`, `json.NewEncoder(w).Encode` -> `.Encode`
# the response writer of echo (`c.Response()`, `c.Response().Writer`), gin (`c.Writer`), fiber
_CONTEXT_WRITER = lazy(r"\w+\.(?:Response\(\)(?:\.Writer|\.BodyWriter\(\))?|Writer)")
_WRITER_PARAM = lazy(r"\b(\w+)\s+http\.ResponseWriter\b")
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
    writers = frozenset(_WRITER_PARAM.findall(text))
    for read in reads:
        start = text.rfind("\n", 0, read.start()) + 1
        bound = re.fullmatch(r"\s*(\w+)(?:\s*,\s*\w+)?\s*:=\s*", text[start:read.start()])
        if bound is None:
            if not _in_response(text, read.start(), writers):
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
            if not _in_response(text, at, writers):
                return False
            handed = True
    return handed


def _in_response(text: str, at: int, writers: frozenset[str]) -> bool:
    """Whether position `at` is an argument of a call that writes the response: the first call around it,
    past the composite literals it stands in (`UrlModel{Url: x}`, `map[string]string{"url": x}`, gofmt's
    `Type{` with no blank), is one (`writers`: the file's `http.ResponseWriter` parameters); looking back
    at most 2,000 characters. Inside another call (`c.JSON(200, fetch(x))`) or a block it is not."""
    depth = 0
    for index in range(at - 1, max(0, at - 2000) - 1, -1):
        char = text[index]
        if char in ")]}":
            depth += 1
        elif char in "([{":
            if depth:
                depth -= 1
            elif char == "(":
                return _writes_response(text, index, at, writers)
            elif char == "{" and not (index and (text[index - 1].isalnum() or text[index - 1] in "_]")):
                return False  # a block's brace: the use is a statement of its own
    return False


def _writes_response(text: str, index: int, at: int, writers: frozenset[str]) -> bool:
    """Whether the call whose `(` is at `index` writes the response with the argument at `at`: a context's
    JSON or HTML writer; a template executed into the handler's writer (its first argument, `at` past it);
    an encoder made on that writer. go-resty's `R().Execute(http.MethodGet, url)` and a template written to
    a config file (`upstream.Execute(conf, ...)`) are not."""
    before = text[max(0, index - 200):index]
    callee = _CALLEE.search(before)
    name = callee[0] if callee is not None else ""
    if _RESPONSE.search(before) is not None and name.count(".") == 1:
        return True
    if _TEMPLATE.search(name) is not None:
        first = _first_argument(text, index + 1)
        return first is not None and at > first[1] and _is_writer(first[0], writers)
    encoder = _ENCODER.search(before)
    return encoder is not None and _is_writer(encoder[1], writers)


def _first_argument(text: str, start: int) -> tuple[str, int] | None:
    """The first argument of a call whose arguments start at `start`, and where it ends (its comma)."""
    depth = 0
    for index in range(start, min(len(text), start + 500)):
        char = text[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            if not depth:
                return None  # one argument alone: nothing is written with another
            depth -= 1
        elif char == "," and not depth:
            return text[start:index].strip(), index
    return None


def _is_writer(word: str, writers: frozenset[str]) -> bool:
    return word in writers or _CONTEXT_WRITER.fullmatch(word) is not None


def _in_string(text: str, at: int) -> bool:
    """Whether position `at` is inside a "..." literal of its line (a log message naming the variable)."""
    line = text[text.rfind("\n", 0, at) + 1:at].replace('\\\\', "").replace('\\"', "")
    return line.count('"') % 2 == 1 or line.count("`") % 2 == 1
