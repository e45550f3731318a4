"""flaskfast.routing.Map: werkzeug behaviour kept, fast_match answers like werkzeug."""

from __future__ import annotations

import threading
import typing as t
import uuid

import pytest
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter
from werkzeug.routing import Map as WerkzeugMap
from werkzeug.routing import RequestRedirect
from werkzeug.routing import Rule
from werkzeug.routing import Submount
from werkzeug.routing import ValidationError
from werkzeug.test import create_environ

from flaskfast.routing import Map


def reference(m: Map, path: str, method: str = "GET") -> tuple[Rule, dict[str, t.Any]]:
    return m.bind("localhost").match(path, method, return_rule=True)  # type: ignore[return-value]


def rules_of(m: Map) -> dict[str, Rule]:
    return {r.endpoint: r for r in m.iter_rules()}


# -- werkzeug behaviour is untouched ------------------------------------------------


def test_is_a_werkzeug_map() -> None:
    assert issubclass(Map, WerkzeugMap)


def test_bind_build_iter_rules_and_expecting() -> None:
    m = Map([Rule("/", endpoint="index"), Rule("/u/<int:id>", endpoint="user")])
    adapter = m.bind("example.com")
    assert adapter.build("user", {"id": 3}) == "/u/3"
    assert adapter.match("/u/3") == ("user", {"id": 3})
    assert sorted(r.endpoint for r in m.iter_rules()) == ["index", "user"]
    assert m.is_endpoint_expecting("user", "id")
    assert not m.is_endpoint_expecting("index", "id")


def test_bind_to_environ_still_matches() -> None:
    m = Map([Rule("/hello/<name>", endpoint="hello")])
    adapter = m.bind_to_environ(create_environ("/hello/w%C3%B6rld"))
    assert adapter.match() == ("hello", {"name": "wörld"})


def test_settings_are_still_werkzeug_settings() -> None:
    m = Map(strict_slashes=False, merge_slashes=False, redirect_defaults=False,
            host_matching=True, default_subdomain="www", sort_parameters=True)
    assert (m.strict_slashes, m.merge_slashes, m.redirect_defaults) == (False, False, False)
    assert m.host_matching is True and m.default_subdomain == "www"
    assert m.sort_parameters is True
    assert "int" in m.converters


def test_submount_factory_rules_are_recorded_in_order() -> None:
    m = Map([Submount("/api", [Rule("/a", endpoint="a"), Rule("/<x>", endpoint="x")])])
    assert m.fast_match("/api/a", "GET") == (rules_of(m)["a"], {})
    assert m.fast_match("/api/z", "GET") == (rules_of(m)["x"], {"x": "z"})


def test_failed_add_does_not_leave_a_half_rule() -> None:
    m = Map([Rule("/ok", endpoint="ok")])
    with pytest.raises(LookupError):
        m.add(Rule("/<nope:x>", endpoint="bad"))
    assert m.fast_match("/ok", "GET") == (rules_of(m)["ok"], {})


# -- answers ----------------------------------------------------------------------


def test_static_and_converters() -> None:
    m = Map([
        Rule("/", endpoint="index"),
        Rule("/int/<int:v>", endpoint="int"),
        Rule("/float/<float:v>", endpoint="float"),
        Rule("/uuid/<uuid:v>", endpoint="uuid"),
        Rule("/path/<path:v>", endpoint="path"),
        Rule("/any/<any(red, 'dark blue'):v>", endpoint="any"),
        Rule("/str/<v>", endpoint="str"),
        Rule("/two/<string(length=2):v>", endpoint="two"),
        Rule("/neg/<int(signed=True):v>", endpoint="neg"),
        Rule("/file/<name>.<ext>", endpoint="file"),
    ])
    r = rules_of(m)
    u = uuid.uuid4()
    cases = {
        "/": ("index", {}),
        "/int/42": ("int", {"v": 42}),
        "/float/1.25": ("float", {"v": 1.25}),
        f"/uuid/{u}": ("uuid", {"v": u}),
        "/path/a/b/c.txt": ("path", {"v": "a/b/c.txt"}),
        "/any/dark blue": ("any", {"v": "dark blue"}),
        "/str/héllo wörld": ("str", {"v": "héllo wörld"}),
        "/two/ab": ("two", {"v": "ab"}),
        "/neg/-7": ("neg", {"v": -7}),
        "/file/report.pdf": ("file", {"name": "report", "ext": "pdf"}),
    }
    for path, (endpoint, args) in cases.items():
        assert m.fast_match(path, "GET") == (r[endpoint], args), path
        assert reference(m, path) == (r[endpoint], args), path


def test_int_converter_returns_int_type() -> None:
    m = Map([Rule("/<int:v>", endpoint="e")])
    _, args = m.fast_match("/007", "GET")  # type: ignore[misc]
    assert type(args["v"]) is int and args["v"] == 7


def test_converter_options_are_honoured() -> None:
    m = Map([Rule("/<int(min=1, max=9):v>", endpoint="small")])
    assert m.fast_match("/5", "GET") == (rules_of(m)["small"], {"v": 5})
    with pytest.raises(NotFound):
        m.fast_match("/12", "GET")


def test_not_found() -> None:
    m = Map([Rule("/a", endpoint="a"), Rule("/int/<int:v>", endpoint="i")])
    for path in ["/b", "/int/x", "/int/", "/a/b"]:
        with pytest.raises(NotFound) as info:
            m.fast_match(path, "GET")
        assert type(info.value) is NotFound


def test_method_not_allowed_lists_the_allowed_methods() -> None:
    m = Map([
        Rule("/item", endpoint="read", methods=["GET"]),
        Rule("/item", endpoint="write", methods=["POST", "PUT"]),
    ])
    with pytest.raises(MethodNotAllowed) as info:
        m.fast_match("/item", "DELETE")
    assert sorted(info.value.valid_methods or ()) == ["GET", "HEAD", "POST", "PUT"]
    with pytest.raises(MethodNotAllowed) as expected:
        reference(m, "/item", "DELETE")
    # Same order too (it becomes the Allow header).
    assert info.value.valid_methods == expected.value.valid_methods
    m.merge_slashes = False  # werkzeug searches once instead of twice: order may change
    with pytest.raises(MethodNotAllowed) as info:
        m.fast_match("/item", "DELETE")
    with pytest.raises(MethodNotAllowed) as expected:
        reference(m, "/item", "DELETE")
    assert info.value.valid_methods == expected.value.valid_methods


def test_method_not_allowed_collects_from_every_matching_branch() -> None:
    m = Map([
        Rule("/x/<int:v>", endpoint="i", methods=["PUT"]),
        Rule("/x/<v>", endpoint="s", methods=["POST"]),
        Rule("/x/7", endpoint="seven", methods=["PATCH"]),
    ])
    with pytest.raises(MethodNotAllowed) as info:
        m.fast_match("/x/7", "GET")
    assert sorted(info.value.valid_methods or ()) == ["PATCH", "POST", "PUT"]


def test_head_implied_by_get_and_explicit_options() -> None:
    m = Map([Rule("/r", endpoint="r", methods=["GET", "OPTIONS"])])
    rule = rules_of(m)["r"]
    for method in ["GET", "HEAD", "OPTIONS", "head"]:
        assert m.fast_match("/r", method) == (rule, {})
    with pytest.raises(MethodNotAllowed):
        m.fast_match("/r", "POST")


def test_first_rule_for_method_wins_on_same_path() -> None:
    m = Map([
        Rule("/same", endpoint="first", methods=["GET"]),
        Rule("/same", endpoint="second", methods=["GET", "POST"]),
        Rule("/same", endpoint="any"),
    ])
    r = rules_of(m)
    assert m.fast_match("/same", "GET")[0] is r["first"]  # type: ignore[index]
    assert m.fast_match("/same", "POST")[0] is r["second"]  # type: ignore[index]
    assert m.fast_match("/same", "BREW")[0] is r["any"]  # type: ignore[index]


def test_defaults_are_merged_and_copied() -> None:
    m = Map([Rule("/page/<int:n>", endpoint="p", defaults={"lang": "en"})])
    rule = rules_of(m)["p"]
    first = m.fast_match("/page/2", "GET")
    assert first == (rule, {"n": 2, "lang": "en"})
    first[1]["lang"] = "fr"  # type: ignore[index]
    assert m.fast_match("/page/2", "GET")[1]["lang"] == "en"  # type: ignore[index]


def test_precedence_static_then_int_then_string_then_path() -> None:
    m = Map([
        Rule("/p/<path:v>", endpoint="path"),
        Rule("/p/<v>", endpoint="string"),
        Rule("/p/<int:v>", endpoint="int"),
        Rule("/p/new", endpoint="static"),
    ])
    expect = {"/p/new": "static", "/p/5": "int", "/p/abc": "string", "/p/a/b": "path"}
    for path, endpoint in expect.items():
        got = m.fast_match(path, "GET")
        assert got is not None and got[0].endpoint == endpoint, path
        assert got[0] is reference(m, path)[0]


def test_static_branch_backtracks_into_converters() -> None:
    m = Map([Rule("/a/b/c", endpoint="static"), Rule("/a/<x>/d", endpoint="dyn")])
    assert m.fast_match("/a/b/d", "GET") == (rules_of(m)["dyn"], {"x": "b"})


def test_more_static_text_in_segment_wins() -> None:
    m = Map([Rule("/f/<name>", endpoint="bare"), Rule("/f/<name>.json", endpoint="json")])
    got = m.fast_match("/f/data.json", "GET")
    assert got is not None
    assert got[0] is reference(m, "/f/data.json")[0]
    assert got[1] == reference(m, "/f/data.json")[1]


def test_validation_error_is_a_miss_not_a_retry() -> None:
    class Odd(BaseConverter):
        regex = r"\d+"

        def to_python(self, value: str) -> int:
            if int(value) % 2 == 0:
                raise ValidationError()
            return int(value)

    m = Map([Rule("/<odd:v>", endpoint="odd"), Rule("/<v>", endpoint="str")],
            converters={"odd": Odd})
    assert m.fast_match("/3", "GET") == (rules_of(m)["odd"], {"v": 3})
    # werkzeug does not try "/<v>" after the converter refused: 404.
    with pytest.raises(NotFound):
        reference(m, "/4")
    with pytest.raises(NotFound):
        m.fast_match("/4", "GET")


def test_unicode_and_percent_text_is_matched_verbatim() -> None:
    m = Map([Rule("/wörld/<v>", endpoint="w")])
    assert m.fast_match("/wörld/a%2Fb", "GET") == (rules_of(m)["w"], {"v": "a%2Fb"})
    with pytest.raises(NotFound):
        m.fast_match("/w%C3%B6rld/x", "GET")


def test_non_strict_rule_matches_both_forms() -> None:
    m = Map([Rule("/loose/", endpoint="l", strict_slashes=False),
             Rule("/tight", endpoint="t", strict_slashes=False)])
    r = rules_of(m)
    assert m.fast_match("/loose", "GET") == (r["l"], {})
    assert m.fast_match("/loose/", "GET") == (r["l"], {})
    assert m.fast_match("/tight/", "GET") == (r["t"], {})


def test_common_cases_are_answered_not_deferred() -> None:
    m = Map([
        Rule("/", endpoint="i"), Rule("/u/<int:id>", endpoint="u"), Rule("/s/<path:p>", endpoint="s"),
        Rule("/d/", endpoint="d"), Rule("/n/<name>", endpoint="n", methods=["GET", "POST"]),
    ])
    for path in ["/", "/u/1", "/s/x/y", "/d/", "/n/bob"]:
        assert m.fast_match(path, "GET") is not None


# -- deferring to werkzeug (None) ---------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        (Rule("/dir/", endpoint="e"), "/dir"),  # strict-slash redirect
        (Rule("/p/<path:p>/", endpoint="e"), "/p/a/b"),  # same, through a path converter
        (Rule("/a/b", endpoint="e"), "/a//b"),  # merge-slashes redirect
        (Rule("/old", endpoint="e", redirect_to="/new"), "/old"),
        (Rule("/", endpoint="e"), ""),  # empty PATH_INFO
    ],
)
def test_redirecting_paths_defer(rule: Rule, path: str) -> None:
    m = Map([rule])
    assert m.fast_match(path, "GET") is None
    with pytest.raises(RequestRedirect):
        reference(m, path)


def test_alias_defers_when_werkzeug_would_redirect() -> None:
    main = Rule("/main", endpoint="e")
    m = Map([main, Rule("/alias", endpoint="e", alias=True)])
    assert m.fast_match("/alias", "GET") is None
    assert m.fast_match("/main", "GET") == (main, {})


def test_default_value_redirect_defers_only_when_it_applies() -> None:
    m = Map([
        Rule("/users/", endpoint="users", defaults={"page": 1}),
        Rule("/users/page/<int:page>", endpoint="users"),
    ])
    assert m.fast_match("/users/page/1", "GET") is None
    with pytest.raises(RequestRedirect):
        reference(m, "/users/page/1")
    got = m.fast_match("/users/page/2", "GET")
    assert got is not None and got == reference(m, "/users/page/2")
    assert m.fast_match("/users/", "GET") == reference(m, "/users/")


def test_merge_slashes_off_answers_double_slash_paths() -> None:
    m = Map([Rule("/a/b", endpoint="e")], merge_slashes=False)
    with pytest.raises(NotFound):
        m.fast_match("/a//b", "GET")
    m.merge_slashes = True
    assert m.fast_match("/a//b", "GET") is None


@pytest.mark.parametrize(
    "make",
    [
        lambda: Map([Rule("/ws", endpoint="ws", websocket=True), Rule("/", endpoint="i")]),
        lambda: Map([Rule("/", endpoint="i", subdomain="api")]),
        lambda: Map([Rule("/", endpoint="i")], default_subdomain="www"),
        lambda: Map([Rule("/", endpoint="i", host="example.com")], host_matching=True),
    ],
)
def test_unsupported_maps_always_defer(make: t.Callable[[], Map]) -> None:
    assert make().fast_match("/", "GET") is None


def test_setting_changes_rebuild() -> None:
    m = Map([Rule("/", endpoint="i")])
    assert m.fast_match("/", "GET") is not None
    m.host_matching = True
    assert m.fast_match("/", "GET") is None
    m.host_matching = False
    assert m.fast_match("/", "GET") is not None
    m.default_subdomain = "www"
    assert m.fast_match("/", "GET") is None


# -- lazy rebuilds --------------------------------------------------------------


def test_rules_added_after_first_match_are_found() -> None:
    m = Map([Rule("/one", endpoint="one")])
    assert m.fast_match("/one", "GET") is not None
    with pytest.raises(NotFound):
        m.fast_match("/two", "GET")
    m.add(Rule("/two", endpoint="two"))
    assert m.fast_match("/two", "GET") == (rules_of(m)["two"], {})


def test_build_only_rules_never_match() -> None:
    m = Map([Rule("/b", endpoint="b", build_only=True)])
    with pytest.raises(NotFound):
        m.fast_match("/b", "GET")
    assert m.bind("x").build("b") == "/b"


def test_concurrent_adds_and_matches_stay_consistent() -> None:
    m = Map([Rule("/r0", endpoint="r0")])
    errors: list[BaseException] = []

    def writer() -> None:
        for i in range(1, 200):
            m.add(Rule(f"/r{i}", endpoint=f"r{i}"))

    def reader() -> None:
        try:
            for _ in range(400):
                got = m.fast_match("/r0", "GET")
                assert got is not None and got[0].endpoint == "r0"
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    for i in range(200):
        assert m.fast_match(f"/r{i}", "GET")[0].endpoint == f"r{i}"  # type: ignore[index]


def test_large_map_matches_its_last_route() -> None:
    m = Map([Rule(f"/static{i}/page", endpoint=f"s{i}") for i in range(2500)]
            + [Rule(f"/dyn{i}/<int:n>", endpoint=f"d{i}") for i in range(2500)])
    assert m.fast_match("/static2499/page", "GET")[0].endpoint == "s2499"  # type: ignore[index]
    assert m.fast_match("/dyn2499/8", "GET") == (rules_of(m)["d2499"], {"n": 8})


def test_subclass_overriding_fast_match_is_respected() -> None:
    class Counting(Map):
        calls = 0

        def fast_match(self, path_info: str, method: str) -> t.Any:
            type(self).calls += 1
            return super().fast_match(path_info, method)

    m = Counting([Rule("/", endpoint="i")])
    m.fast_match("/", "GET")
    m.fast_match("/", "GET")
    assert Counting.calls == 2


def test_instance_attribute_fast_match_is_left_alone() -> None:
    m = Map([Rule("/", endpoint="i")])
    calls: list[str] = []

    def spy(path_info: str, method: str) -> t.Any:
        calls.append(path_info)
        return Map.fast_match(m, path_info, method)

    m.fast_match = spy  # type: ignore[method-assign]
    assert m.fast_match("/", "GET") == (rules_of(m)["i"], {})
    m.add(Rule("/x", endpoint="x"))
    assert m.fast_match("/x", "GET") == (rules_of(m)["x"], {})
    assert calls == ["/", "/x"]
