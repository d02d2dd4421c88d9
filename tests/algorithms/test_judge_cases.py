"""The judge's cases and its verdicts (examples/algorithms/judge_cases.py), in CPython.

The expected values are checked against brute forces written here, independent of the reference
implementations the module takes them from; the readers' solutions are in tests/algorithms/judge_solutions.py.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from examples.algorithms import judge_cases
from examples.algorithms.judge_cases import (
    N_RANDOM,
    PROBLEMS,
    Raises,
    any_maximum_subarray,
    cases,
    input_text,
    judge,
    same_int,
    seed_code,
    signature,
)
from tests.algorithms.judge_solutions import INFINITE_LOOP, RIGHT, SYNTAX_ERROR, WRONG


def subarray_sums(nums: list[int]) -> dict[tuple[int, int], int]:
    """Every non-empty subarray ``(start, stop) -> sum``, by brute force."""
    return {(i, j): sum(nums[i:j]) for i in range(len(nums)) for j in range(i + 1, len(nums) + 1)}


def brute(name: str, args: tuple) -> object:
    """The expected answer of ``name`` on ``args``, by brute force over every subarray."""
    nums = args[0]
    sums = subarray_sums(nums)
    if name in ("longest_subarray_at_most", "longest_subarray_at_most_any"):
        return max((j - i for (i, j), total in sums.items() if total <= args[1]), default=0)
    if name == "shortest_subarray_at_least":
        return min((j - i for (i, j), total in sums.items() if total >= args[1]), default=0)
    if not nums:
        return Raises(ValueError)
    return max(sums.values())  # for max_subarray, the best sum only


# The edge cases each page warns about (docs/round-1/r1-11-longest-subarray.md, docs/round-2/r2-05-maximum-subarray.md),
# with the answers the pages give or that follow from the definition.
EDGE_ANSWERS = {
    "longest_subarray_at_most": {"bound_inclusive": 2, "empty": 0, "none_fits": 0, "s_zero": 0, "zeros": 2},
    "longest_subarray_at_most_any": {"negatives": 4, "negative_bound": 2, "single": 1, "empty": 0, "all_negative": 3},
    "shortest_subarray_at_least": {"bound_inclusive": 2, "empty": 0, "zeros": 1},
    "max_subarray_sum": {"all_negative": -1, "empty": Raises(ValueError), "zeros": 0},
    "max_subarray": {"all_negative": (-1, 1, 2), "empty": Raises(ValueError), "ties": (3, 0, 3)},
}
EXAMPLE_ANSWERS = {
    "longest_subarray_at_most": [3],
    "longest_subarray_at_most_any": [3],
    "shortest_subarray_at_least": [2, 1, 0],
    "max_subarray_sum": [6, 1, 23],
    "max_subarray": [(6, 3, 7), (1, 0, 1), (23, 0, 5)],
}


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_named_cases_have_the_pages_answers(name: str) -> None:
    named = [c for c in cases(name) if c.group != "random"]
    assert [c.expected for c in named if c.group == "example"] == EXAMPLE_ANSWERS[name]
    edges = {c.note: c.expected for c in named if c.group == "edge"}
    assert EDGE_ANSWERS[name].items() <= edges.items()
    assert [c.group for c in named] == sorted((c.group for c in named), key=["example", "edge"].index)


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_every_expected_value_matches_a_brute_force(name: str) -> None:
    for case in cases(name):
        oracle = brute(name, case.args)
        if name == "max_subarray" and not isinstance(oracle, Raises):
            best, start, stop = case.expected
            assert best == oracle and sum(case.args[0][start:stop]) == best, case
        else:
            assert case.expected == oracle, case


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_random_cases_are_seeded_and_varied(name: str) -> None:
    drawn = [c for c in cases(name) if c.group == "random"]
    assert len(drawn) == N_RANDOM and [c.note for c in drawn] == [str(i) for i in range(1, N_RANDOM + 1)]
    cases.cache_clear()
    assert [c.args for c in cases(name) if c.group == "random"] == [c.args for c in drawn]  # same seed, same cases
    assert [c.args for c in cases(name, seed=1) if c.group == "random"] != [c.args for c in drawn]
    inputs = [c.args[0] for c in drawn]
    assert any(0 in nums for nums in inputs), "no zeros"
    assert len({len(nums) for nums in inputs}) >= 10, "lengths hardly vary"
    if name.startswith("max_subarray"):
        assert any(nums and max(nums) < 0 for nums in inputs), "no all-negative input"
        assert any(list(subarray_sums(nums).values()).count(max(subarray_sums(nums).values())) > 1 for nums in inputs)
    else:
        assert any(nums == [] for nums in inputs), "no empty input"
        assert len({c.expected for c in drawn}) >= 5, "answers hardly vary"


@pytest.mark.parametrize("solution", RIGHT, ids=lambda s: s.name)
def test_a_right_solution_passes_every_case(solution) -> None:
    result = judge(solution.name, solution.source)
    assert result["status"] == "done" and result["first_failure"] is None
    assert result["passed"] == result["total"] == len(cases(solution.name)) > N_RANDOM
    assert all(c["passed"] for c in result["cases"])


@pytest.mark.parametrize("solution", WRONG, ids=lambda s: f"{s.name}: {s.label}")
def test_a_wrong_solution_fails_first_where_expected(solution) -> None:
    result = judge(solution.name, solution.source)
    failure = result["first_failure"]
    assert result["status"] == "done" and failure is not None
    assert (failure["group"], failure["note"]) == solution.first_failure
    case = cases(solution.name)[failure["index"]]
    assert failure["input"] == input_text(solution.name, case.args)
    assert result["passed"] < result["total"]
    assert [c["passed"] for c in result["cases"][: failure["index"] + 1]] == [True] * failure["index"] + [False]


def test_a_failure_shows_input_expected_and_returned_value() -> None:
    wrong = next(s for s in WRONG if s.first_failure == ("edge", "bound_inclusive"))
    failure = judge(wrong.name, wrong.source)["first_failure"]
    assert failure["input"] == "nums = [3, 4], s = 7"
    assert (failure["expected"], failure["got"], failure["raised"]) == ("2", "1", None)


def test_an_exception_is_reported_with_the_readers_traceback_only() -> None:
    wrong = next(s for s in WRONG if s.first_failure == ("edge", "empty") and s.name == "max_subarray_sum")
    failure = judge(wrong.name, wrong.source)["first_failure"]
    assert failure["expected_raises"] == "ValueError" and failure["expected"] is None
    assert failure["raised"] == "IndexError: list index out of range"
    trace = failure["traceback"]
    assert trace.startswith("Traceback") and 'File "solution.py", line 6, in max_subarray_sum' in trace
    assert "best, lowest = prefix[1] - prefix[0], prefix[0]" in trace  # the reader's line is quoted
    assert "judge_cases" not in trace


def test_a_syntax_error_is_reported() -> None:
    result = judge("max_subarray_sum", SYNTAX_ERROR)
    assert result["status"] == "syntax_error" and result["total"] == 0
    assert 'File "solution.py", line 2' in result["traceback"] and "SyntaxError" in result["traceback"]


def test_code_without_the_function_or_that_raises_when_run() -> None:
    assert judge("max_subarray", "def max_sub(nums):\n    return 0\n")["status"] == "no_function"
    assert judge("max_subarray", "max_subarray = 3\n")["status"] == "no_function"
    result = judge("max_subarray", "import missing_module_xyz\n")
    assert result["status"] == "load_error" and "ModuleNotFoundError" in result["traceback"]
    result = judge("max_subarray", "{}['key']\n")  # a KeyError while loading is the reader's error, not a missing name
    assert result["status"] == "load_error" and "KeyError" in result["traceback"]


def test_printed_output_and_progress_are_reported() -> None:
    source = "def max_subarray_sum(nums):\n    print('called')\n    return max(nums)\n"
    seen: list[tuple[int, str]] = []
    result = judge("max_subarray_sum", source, progress=lambda index, text: seen.append((index, text)), n_random=2)
    assert result["output"] == "called\n" * result["total"]
    assert seen == [(i, input_text("max_subarray_sum", c.args)) for i, c in enumerate(cases("max_subarray_sum", 2))]


def test_the_reader_cannot_change_the_cases_by_mutating_arguments() -> None:
    source = (
        "def max_subarray_sum(nums):\n"
        "    best = max(sum(nums[i:j]) for i in range(len(nums)) for j in range(i + 1, len(nums) + 1))\n"
        "    nums.clear()\n"
        "    return best\n"
    )
    assert judge("max_subarray_sum", source)["first_failure"] is None
    assert judge("max_subarray_sum", source)["first_failure"] is None


def test_answers_are_compared_strictly() -> None:
    assert same_int(3, 3) and not same_int(3, 3.0) and not same_int(1, True) and not same_int(3, "3")
    nums = [2, -2, 3]
    expected = (3, 0, 3)
    assert any_maximum_subarray((nums,), expected, (3, 0, 3))
    assert any_maximum_subarray((nums,), expected, [3, 2, 3])  # the other maximum subarray
    assert not any_maximum_subarray((nums,), expected, (3, 2, 2))  # empty
    assert not any_maximum_subarray((nums,), expected, (3, 0, 2))  # sums to 0
    assert not any_maximum_subarray((nums,), expected, (2, 0, 1))  # not the maximum
    assert not any_maximum_subarray((nums,), expected, (3, 2, 4))  # out of range
    assert not any_maximum_subarray((nums,), expected, 3)
    assert not any_maximum_subarray((nums,), expected, (3.0, 0, 3))


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_seed_code_compiles_and_states_the_signature(name: str) -> None:
    code = seed_code(name)
    assert code.startswith(signature(name) + '\n    """')
    result = judge(name, code, n_random=0)
    assert result["status"] == "done" and result["first_failure"]["raised"] == "NotImplementedError"
    assert seed_code(name, "xx") == code  # a language without its own docstrings falls back to English


def test_an_unknown_problem_is_refused() -> None:
    with pytest.raises(KeyError, match="name must be one of"):
        cases("max_product")


def test_the_infinite_loop_fixture_loops() -> None:
    """The browser test's endless solution really has no way out (so the browser must stop it)."""
    tree = ast.parse(INFINITE_LOOP)
    loop = tree.body[0].body[0]
    assert isinstance(loop, ast.While) and loop.test.value is True
    assert not any(isinstance(node, (ast.Break, ast.Return, ast.Raise)) for node in ast.walk(loop))


def test_the_shipped_package_needs_only_the_standard_library() -> None:
    """The site runs every module of examples/algorithms in Pyodide, which has only the standard library."""
    package = Path(judge_cases.__file__).parent
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                assert top in sys.stdlib_module_names or module.startswith("examples.algorithms"), (path.name, module)
